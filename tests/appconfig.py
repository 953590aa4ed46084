"""The test app's configuration, written once for every test module and fixture."""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: The VAPID subject of every test app: a placeholder no push service is asked to reach.
TEST_VAPID_SUBJECT = "mailto:tests@simexit.invalid"


def app_config(
    tmp: Path, *, database: str | None = None, push_service: Any = None, **overrides: Any
) -> dict[str, Any]:
    """``create_app``'s test mapping: testing, nothing built on start, every file under ``tmp``.

    :param database: a SQLAlchemy URL; default: a SQLite file in ``tmp``.
    :param push_service: the loopback push service (``tests/pushservice.py``): subscriptions
        may then point at it, and only at it.
    :param overrides: any other setting, e.g. ``BUILD_DIR`` of a shared build.
    """
    config: dict[str, Any] = {
        "TESTING": True,
        "DATABASE_URL": database or f"sqlite:///{tmp / 'db.sqlite3'}",
        "BUILD_DIR": str(tmp / "build"),
        "BUILD_ON_START": False,
        "INSTANCE_PATH": str(tmp / "instance"),
    }
    if push_service is not None:
        config.update(PUSH_SERVICES=push_service.origin, VAPID_SUBJECT=TEST_VAPID_SUBJECT)
    config.update(overrides)
    return config
