"""Shared fixtures: ``app``, ``client`` and ``runner``, the flaskr way."""

from __future__ import annotations

import pytest

from webapp import create_app


@pytest.fixture
def app(tmp_path):
    """An app on a fresh SQLite database and instance folder, without a site build."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'simexit.sqlite3'}",
            "BUILD_DIR": str(tmp_path / "build"),
            "BUILD_ON_START": False,
            "INSTANCE_PATH": str(tmp_path / "instance"),
        }
    )
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
