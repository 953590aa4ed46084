"""Web Push reminders: settings, the VAPID key and the ``flask reminders`` commands.

Modules of this package never read Flask request globals: the plan
(``schedule``) is pure, ``store`` needs only an app context, ``sender`` runs from
the CLI. Settings are read once, in :func:`init_app`, into :class:`PushSettings`.

Configuration (``SIMEXIT_`` environment variables, or the test dict):

- ``PUSH_SERVICES``: push service origins that subscriptions may point at, as a
  list or a comma-separated string; ``https://*.example`` matches subdomains.
- ``VAPID_SUBJECT``: the VAPID ``sub`` claim, a ``mailto:`` or ``https:`` URL
  (Apple rejects anything else); default: ``PUBLIC_URL`` when it is an https URL (the
  site is where a push service's operator can reach us), else a placeholder address.
- ``VAPID_PRIVATE_KEY``: PEM or base64url raw key; default: a key file created
  in the instance folder.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from . import keys

log = logging.getLogger(__name__)

#: The push services of the browsers we support (the subscription endpoint's origin).
DEFAULT_PUSH_SERVICES: tuple[str, ...] = (
    "https://fcm.googleapis.com",  # Chrome, Edge on Android, other Chromium browsers
    "https://updates.push.services.mozilla.com",  # Firefox (autopush)
    "https://web.push.apple.com",  # Safari on macOS, iOS/iPadOS Home Screen apps
    "https://*.notify.windows.com",  # Edge on Windows (WNS; one host per region)
)


@dataclass(frozen=True, kw_only=True)
class PushSettings:
    """Every push setting, parsed and checked once."""

    #: Allowed push service origins (``PUSH_SERVICES``).
    services: tuple[str, ...] = DEFAULT_PUSH_SERVICES
    #: VAPID ``sub`` claim (``VAPID_SUBJECT``): an address the push services can reach.
    subject: str = "mailto:reminders@simexit.invalid"
    #: Configured private key, if any (``VAPID_PRIVATE_KEY``); never shown in ``repr``.
    private_key: str | None = field(default=None, repr=False)
    #: Requests in flight at once (``PUSH_CONCURRENCY``).
    concurrency: int = 64
    #: Reminders claimed per database round trip (``PUSH_BATCH_SIZE``).
    batch_size: int = 500
    #: How long a claim protects a reminder from other senders (``PUSH_LEASE_SECONDS``);
    #: longer than one batch with its in-process retries can take.
    lease_seconds: int = 300
    #: Attempts before a reminder is recorded as failed (``PUSH_MAX_ATTEMPTS``).
    max_attempts: int = 5
    #: First retry delay without Retry-After, doubled each time (``PUSH_RETRY_BASE``).
    retry_base: float = 30.0
    #: Longest delay waited inside a run; longer ones are rescheduled (``PUSH_RETRY_INLINE_MAX``).
    retry_inline_max: float = 10.0
    #: Seconds for one push request, connect to response (``PUSH_TIMEOUT``).
    timeout: float = 10.0
    #: Seconds the worker sleeps between runs (``REMINDERS_POLL_SECONDS``).
    poll_seconds: float = 30.0
    #: The worker's first wait after a failed run (database unreachable), doubled with each
    #: failure in a row (``REMINDERS_BACKOFF_FIRST``)…
    backoff_first: float = 1.0
    #: …up to this many seconds (``REMINDERS_BACKOFF_MAX``); see ``worker.backoff``.
    backoff_max: float = 60.0
    #: Prefix for notification links, e.g. ``https://simexit.example`` (``PUBLIC_URL``);
    #: empty: site-relative links.
    public_url: str = ""

    def allows(self, endpoint: str) -> bool:
        """Whether ``endpoint`` belongs to an allowed push service."""
        return origin_allowed(origin_of(endpoint), self.services)


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url``, lower-cased; ``""`` if it has none."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.username \
            or parts.password:
        return ""
    default = {"https": 443, "http": 80}[parts.scheme]
    suffix = f":{port}" if port and port != default else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{suffix}"


def origin_allowed(origin: str, services: tuple[str, ...]) -> bool:
    if not origin:
        return False
    for allowed in services:
        if allowed == origin:
            return True
        scheme, _, host = allowed.partition("://*.")
        if host and origin.startswith(scheme + "://") and origin.endswith("." + host):
            return True
    return False


def _services(value) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else list(value)
    services = tuple(item.strip().rstrip("/").lower() for item in items if item.strip())
    for service in services:
        if origin_of(service.replace("://*.", "://")) != service.replace("://*.", "://"):
            raise ValueError(f"PUSH_SERVICES entry {service!r} is not an origin")
    return services


def read_settings(config) -> PushSettings:
    """:class:`PushSettings` from a Flask config; ``ValueError`` on a bad value."""
    public_url = str(config.get("PUBLIC_URL", "")).rstrip("/")
    subject = config.get("VAPID_SUBJECT") or (
        public_url if public_url.startswith("https://") else PushSettings.subject)
    if not (subject.startswith("mailto:") or subject.startswith("https://")):
        raise ValueError("VAPID_SUBJECT must be a mailto: or https: URL")
    names = {"PUSH_CONCURRENCY": ("concurrency", int), "PUSH_BATCH_SIZE": ("batch_size", int),
             "PUSH_LEASE_SECONDS": ("lease_seconds", int),
             "PUSH_MAX_ATTEMPTS": ("max_attempts", int), "PUSH_RETRY_BASE": ("retry_base", float),
             "PUSH_RETRY_INLINE_MAX": ("retry_inline_max", float),
             "PUSH_TIMEOUT": ("timeout", float), "REMINDERS_POLL_SECONDS": ("poll_seconds", float),
             "REMINDERS_BACKOFF_FIRST": ("backoff_first", float),
             "REMINDERS_BACKOFF_MAX": ("backoff_max", float)}
    tuning = {attr: kind(config[name]) for name, (attr, kind) in names.items() if name in config}
    return PushSettings(
        services=_services(config.get("PUSH_SERVICES", DEFAULT_PUSH_SERVICES)),
        subject=subject,
        private_key=config.get("VAPID_PRIVATE_KEY") or None,
        public_url=public_url,
        **tuning,
    )


def settings() -> PushSettings:
    return current_app.extensions["simexit_push"]


def vapid_key() -> keys.VapidKey:
    """The app's VAPID key, loaded (or created) on first use."""
    key = current_app.extensions.get("simexit_vapid")
    if key is None:
        key = keys.load(configured=settings().private_key, instance_path=current_app.instance_path)
        current_app.extensions["simexit_vapid"] = key
    return key


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def parse_now(value: str | None) -> dt.datetime | None:
    """``--now``: an ISO 8601 moment; without a zone it is UTC."""
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as e:
        raise click.BadParameter(f"not an ISO 8601 date-time: {value!r}") from e
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


reminders_cli = AppGroup("reminders", help="Send the push reminders that are due.")


@reminders_cli.command("send")
@click.option("--now", "now_text", metavar="ISO-8601", help="Send what is due at this moment.")
def send_command(now_text):
    """Send everything due once, then exit (status 1, one line, if the database is unreachable)."""
    from ..db import describe, unavailable
    from .sender import run_once, settle_memory

    now = parse_now(now_text)
    settle_memory()
    try:
        stats = run_once(now=now)
    except Exception as e:
        if unavailable(e):
            raise click.ClickException(f"database unavailable: {describe(e)}") from None
        raise
    click.echo(stats.summary())


@reminders_cli.command("worker")
@click.option("--runs", type=click.IntRange(min=1), default=None, hidden=True,
              help="Stop after this many runs (tests).")
def worker_command(runs):
    """Keep sending due reminders, every REMINDERS_POLL_SECONDS, until SIGTERM/SIGINT.

    An unreachable database delays the reminders, it does not stop the worker (worker.py).
    """
    from .sender import Sender, settle_memory
    from .worker import work

    sender = Sender.from_app()  # one sender: its VAPID header cache outlives each run
    settle_memory()
    work(sender, settings(), runs=runs)


def init_app(app: Flask) -> None:
    """Read the push settings and register ``flask reminders``."""
    app.extensions["simexit_push"] = read_settings(app.config)
    app.cli.add_command(reminders_cli)
