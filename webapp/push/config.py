"""The push settings: read and checked once, at start-up, into :class:`PushSettings`.

Configuration (``SIMEXIT_`` environment variables, or the test dict):

- ``PUSH_SERVICES``: push service origins that subscriptions may point at, as a
  list or a comma-separated string; ``https://*.example`` matches subdomains.
- ``VAPID_SUBJECT``: the VAPID ``sub`` claim, a ``mailto:`` or ``https:`` URL
  (Apple rejects anything else); default: ``PUBLIC_URL`` when it is an https URL (the
  site is where a push service's operator can reach us), else a placeholder address.
- ``VAPID_PRIVATE_KEY``: PEM or base64url raw key; default: a key file created
  in the instance folder.
- The sender's and the worker's tuning: see the fields of :class:`PushSettings`.

The origin helpers (:func:`origin_of`, :func:`origin_allowed`) are the one test of
"does this endpoint belong to an allowed push service", for the API and the sender.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flask import current_app

#: The push services of the browsers we support (the subscription endpoint's origin).
DEFAULT_PUSH_SERVICES: tuple[str, ...] = (
    "https://fcm.googleapis.com",  # Chrome, Edge on Android, other Chromium browsers
    "https://updates.push.services.mozilla.com",  # Firefox (autopush)
    "https://web.push.apple.com",  # Safari on macOS, iOS/iPadOS Home Screen apps
    "https://*.notify.windows.com",  # Edge on Windows (WNS; one host per region)
)
#: Where :func:`settings` finds the app's parsed settings.
EXTENSION = "simexit_push"


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


#: The tuning settings: configuration name -> (field of :class:`PushSettings`, type).
TUNING: dict[str, tuple[str, type[int] | type[float]]] = {
    "PUSH_CONCURRENCY": ("concurrency", int),
    "PUSH_BATCH_SIZE": ("batch_size", int),
    "PUSH_LEASE_SECONDS": ("lease_seconds", int),
    "PUSH_MAX_ATTEMPTS": ("max_attempts", int),
    "PUSH_RETRY_BASE": ("retry_base", float),
    "PUSH_RETRY_INLINE_MAX": ("retry_inline_max", float),
    "PUSH_TIMEOUT": ("timeout", float),
    "REMINDERS_POLL_SECONDS": ("poll_seconds", float),
    "REMINDERS_BACKOFF_FIRST": ("backoff_first", float),
    "REMINDERS_BACKOFF_MAX": ("backoff_max", float),
}


#: A URL's scheme and authority: what its origin depends on.
_SCHEME_AND_AUTHORITY = re.compile(r"[^/?#]*://[^/?#]*")


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url``, lower-cased; ``""`` if it has none.

    Worked out once per scheme and authority: the sender asks for every message, and a push
    service's endpoints share theirs.
    """
    head = _SCHEME_AND_AUTHORITY.match(url)
    return _origin_of_head(head.group(0) if head else url)


@functools.lru_cache(maxsize=256)
def _origin_of_head(url: str) -> str:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    if (
        parts.scheme not in ("https", "http")
        or not parts.hostname
        or parts.username
        or parts.password
    ):
        return ""
    default = {"https": 443, "http": 80}[parts.scheme]
    suffix = f":{port}" if port and port != default else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{suffix}"


def origin_allowed(origin: str, services: tuple[str, ...]) -> bool:
    """Whether ``origin`` is one of ``services`` (``scheme://*.host`` matches subdomains)."""
    if not origin:
        return False
    for allowed in services:
        if allowed == origin:
            return True
        scheme, _, host = allowed.partition("://*.")
        if host and origin.startswith(scheme + "://") and origin.endswith("." + host):
            return True
    return False


def _services(value: str | Iterable[str]) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else list(value)
    services = tuple(item.strip().rstrip("/").lower() for item in items if item.strip())
    for service in services:
        if origin_of(service.replace("://*.", "://")) != service.replace("://*.", "://"):
            raise ValueError(f"PUSH_SERVICES entry {service!r} is not an origin")
    return services


def read_settings(config: Mapping[str, Any]) -> PushSettings:
    """:class:`PushSettings` from a Flask config; ``ValueError`` on a bad value."""
    public_url = str(config.get("PUBLIC_URL", "")).rstrip("/")
    subject = config.get("VAPID_SUBJECT") or (
        public_url if public_url.startswith("https://") else PushSettings.subject
    )
    if not (subject.startswith("mailto:") or subject.startswith("https://")):
        raise ValueError("VAPID_SUBJECT must be a mailto: or https: URL")
    tuning: dict[str, Any] = {
        attr: kind(config[name]) for name, (attr, kind) in TUNING.items() if name in config
    }
    return PushSettings(
        services=_services(config.get("PUSH_SERVICES", DEFAULT_PUSH_SERVICES)),
        subject=subject,
        private_key=config.get("VAPID_PRIVATE_KEY") or None,
        public_url=public_url,
        **tuning,
    )


def settings() -> PushSettings:
    """The current app's push settings (read by ``push.init_app``)."""
    return current_app.extensions[EXTENSION]
