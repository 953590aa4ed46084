"""Who is asking, and how much they may ask: the edge of the API.

- **Trusted proxy** (``TRUSTED_PROXIES``, default 0: off). Behind nginx or a platform
  router, ``REMOTE_ADDR`` is the proxy and the scheme is ``http``; with ``N`` trusted
  proxies, werkzeug's ``ProxyFix`` takes the client address, scheme and host from the
  last ``N`` ``X-Forwarded-*`` values, so rate limits count clients, not the proxy, and
  HSTS is sent over https. It is applied once, at the edge of the WSGI stack
  (``headers.SecurityHeaders``, installed by ``serving.init_app``). Never enable it
  without a proxy that sets them: a client could then choose its own address (and
  rate-limit bucket).
- **Rate limits** per client address on ``/api/`` (Flask-Limiter): one bucket for the
  whole API, and a smaller one for creating plans (each stored plan means push requests).
  Over the limit: ``429`` in the API's JSON error shape with ``Retry-After``.
- **Bodies** over ``MAX_CONTENT_LENGTH`` are refused with ``413``, chunked ones too.
- **Same-origin writes**: a state-changing API request whose ``Origin`` is another site
  is refused with ``403`` (docs/security.md says why the API is CSRF-safe even without).

Configuration (``SIMEXIT_`` environment variables, or the test dict):

- ``RATELIMIT_ENABLED``: default on, off when ``TESTING`` (tests that check limits turn
  it on).
- ``RATELIMIT_STORAGE_URI``: default ``memory://``, which counts per process; with
  several processes (gunicorn workers, hosts) use a shared store such as
  ``redis://host:6379`` (``pip install limits[redis]``).
- ``RATELIMIT_API``, ``RATELIMIT_CREATE``: the limits, in Flask-Limiter's notation.
- ``TRUSTED_PROXIES``: the number of proxies in front of the app (read by ``serving``).
"""

from __future__ import annotations

import math
import time
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, request
from flask_limiter import Limiter, RateLimitExceeded

from . import api
from .errors import error_response

#: Every API request of one client address, all routes together. A plan's normal life
#: (push key, a few previews, create, read after each of 4 steps done, a new subscription,
#: delete) is about 17 requests: several travellers behind one NAT address still fit.
DEFAULT_API_LIMIT = "120 per minute;1200 per hour"
#: Creating (or replacing) a plan: each one stores rows and leads to push requests.
DEFAULT_CREATE_LIMIT = "10 per minute;60 per hour"
#: Methods that change something: only these need the same-origin check.
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def client_address() -> str:
    """The rate-limit key: the client's address (the proxy's, unless ProxyFix is on)."""
    return request.remote_addr or "unknown"


def limiter() -> Limiter:
    return current_app.extensions["simexit_limiter"]


def too_many_requests(e: RateLimitExceeded) -> Response:
    """``429`` with ``Retry-After`` (whole seconds until the window that was hit resets)."""
    response = error_response(429, f"too many requests: at most {e.description}")
    current = limiter().current_limit  # the limit that was hit, with its window
    wait = current.window[0] - time.time() if current is not None else 60
    response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
    return response


def allowed_origins() -> set[str]:
    """This site's own origins: the request's host (any scheme) and ``PUBLIC_URL``'s."""
    origins = {f"{scheme}://{request.host}".lower() for scheme in ("http", "https")}
    public_url = current_app.config.get("PUBLIC_URL")
    if public_url:
        parts = urlsplit(public_url)
        origins.add(f"{parts.scheme}://{parts.netloc}".lower())
    return origins


def check_origin() -> Response | None:
    """Refuse a state-changing API request sent by a page of another origin.

    Browsers send ``Origin`` with every POST/PUT/DELETE; a request without one is not
    from a browser page and carries no ambient credentials, so it is let through. The
    scheme is not compared: behind a TLS-terminating proxy without ``TRUSTED_PROXIES``
    the app sees ``http`` while the page is ``https``; another site has another host.
    """
    if request.method not in UNSAFE_METHODS or not request.path.startswith("/api/"):
        return None
    origin = request.headers.get("Origin")
    if origin is None or origin.lower().rstrip("/") in allowed_origins():
        return None
    return error_response(403, "cross-origin request refused", code="forbidden")


def check_unsized_body() -> None:
    """Refuse an API body without ``Content-Length`` (chunked) that reaches the size limit.

    A declared length over ``MAX_CONTENT_LENGTH`` is refused by werkzeug before anything
    is read. An undeclared one is read only up to the limit, and werkzeug then returns
    the truncated bytes instead of failing; reaching the limit therefore means too large.
    """
    if request.content_length is not None or not request.path.startswith("/api/"):
        return None
    limit = request.max_content_length
    if limit is not None and len(request.get_data(cache=True)) >= limit:
        abort(413)
    return None


def init_app(app: Flask) -> None:
    """The Origin check, the body check and the rate limits (before the first request)."""
    app.config.setdefault("RATELIMIT_ENABLED", not app.testing)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "simexit")
    app.before_request(check_origin)
    app.before_request(check_unsized_body)
    limits = Limiter(client_address, strategy="moving-window")
    limits.shared_limit(
        lambda: current_app.config.get("RATELIMIT_API", DEFAULT_API_LIMIT), scope="api"
    )(api.bp)
    limits.shared_limit(
        lambda: current_app.config.get("RATELIMIT_CREATE", DEFAULT_CREATE_LIMIT),
        scope="api-create",
        exempt_when=lambda: request.endpoint != "api.create_reminders",
    )(api.bp)
    limits.init_app(app)
    app.extensions["simexit_limiter"] = limits
    app.register_error_handler(RateLimitExceeded, too_many_requests)
