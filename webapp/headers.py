"""HTTP headers: security headers for every response, and cache rules for the site.

:func:`security_headers` is the one source of the security headers, and :func:`is_https`
the one rule for HSTS. They are sent by :func:`init_app` (Flask's responses),
:func:`whitenoise_headers` (each built file, fixed when WhiteNoise starts),
:class:`SecurityHeaders` (whatever a response still lacks at the edge of the WSGI stack:
WhiteNoise's redirects, HSTS on its files) and :func:`static_host_headers` (the build's
``_headers`` file, so a static host that reads it sends what the Flask app sends).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, request
from werkzeug.datastructures import Headers
from werkzeug.middleware.proxy_fix import ProxyFix

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

from . import i18n

#: No inline script or style anywhere, nothing from another origin.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Only features Chromium knows: an unknown one (e.g. the retired ``interest-cohort``)
    # is logged as a console error on every page, which Lighthouse counts against us.
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
#: Only sent over https: a browser ignores it on http anyway, and localhost must stay http.
HSTS = "max-age=31536000; includeSubDomains"

#: HTML, the service worker and manifests must be revalidated on every load, or an
#: update would never be seen. Content-hashed assets are cached for a year (WhiteNoise).
REVALIDATE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"


def security_headers(*, https: bool) -> dict[str, str]:
    """The security headers of a response, in the order they are sent; HSTS over https only."""
    if https:
        return {**SECURITY_HEADERS, "Strict-Transport-Security": HSTS}
    return dict(SECURITY_HEADERS)


def is_https(environ: WSGIEnvironment) -> bool:
    """Whether a request came over https (the trusted proxies' ``X-Forwarded-Proto`` applied)."""
    return str(environ.get("wsgi.url_scheme", "http")).lower() == "https"


def needs_revalidation(url: str) -> bool:
    return url.endswith(("/", ".html", "/sw.js", ".webmanifest", "/robots.txt"))


def whitenoise_headers(headers: Headers, path: str, url: str) -> None:  # noqa: ARG001
    """WhiteNoise ``add_headers_function``: cache rule plus security headers (HSTS is added
    per request, by :class:`SecurityHeaders`, when the request came over https)."""
    if needs_revalidation(url):
        headers["Cache-Control"] = REVALIDATE
    if url.endswith("/sw.js"):
        headers["Service-Worker-Allowed"] = "/"
    for name, value in security_headers(https=False).items():
        headers[name] = value


def static_host_headers() -> str:
    """The ``_headers`` file for static hosts: what :func:`whitenoise_headers` sends, plus HSTS.

    Static hosts that read ``_headers`` serve https only, so HSTS is always right there.
    """

    def block(path: str, headers: dict[str, str]) -> list[str]:
        return [path] + [f"  {name}: {value}" for name, value in headers.items()] + [""]

    lines = block("/*", security_headers(https=True))
    lines += block("/assets/*", {"Cache-Control": IMMUTABLE})
    lines += block("/sw.js", {"Cache-Control": REVALIDATE, "Service-Worker-Allowed": "/"})
    for path in ("/", "/*/", "/*.html", "/*.webmanifest", "/robots.txt"):
        lines += block(path, {"Cache-Control": REVALIDATE})
    return "\n".join(lines[:-1]) + "\n"


def static_host_redirects() -> str:
    """The ``_redirects`` file: ``/`` by browser language, where the host supports it.

    One line per language (its primary subtag, and the tags served by it: ``prs`` for
    Persian), then the default language for everyone else; the host's language match takes
    the rest of a tag (``ar-EG``, ``fa-IR``) as ``i18n.best_lang_code`` does.
    """
    lines = []
    for code, tag in i18n.HTML_LANG.items():
        if code == i18n.DEFAULT_LANG:
            continue
        primary = tag.split("-")[0].lower()
        aliases = [
            alias
            for alias, target in i18n.TAG_ALIASES.items()
            if target == code and "-" not in alias and alias != primary
        ]
        lines.append(f"/  /{code}/  302  Language={','.join([primary, *aliases])}")
    lines.append(f"/  /{i18n.DEFAULT_LANG}/  302")
    return "\n".join(lines) + "\n"


class SecurityHeaders:
    """WSGI middleware, the edge of the stack: the security headers on every response, HSTS on
    those over https.

    Meant to wrap WhiteNoise (``serving.init_app``), which answers the site's files and
    its ``/en`` -> ``/en/`` redirects without Flask: the headers of its files are fixed
    when it starts (:func:`whitenoise_headers`), its redirects get none, and the scheme
    is only known per request. Flask's own responses get theirs here too.

    ``trusted_proxies`` (``TRUSTED_PROXIES``): the number of proxies in front, whose
    ``X-Forwarded-For/-Proto/-Host/-Port`` werkzeug's ``ProxyFix`` applies before anything
    else runs, so the scheme seen here (HSTS) and the client address and host seen by
    Flask (rate limits, the Origin check) are read once, the same way. 0: off.
    """

    def __init__(self, app: WSGIApplication, *, trusted_proxies: int = 0) -> None:
        self.app = app
        self.trusted_proxies = trusted_proxies
        self._edge: WSGIApplication = self._add_headers
        if trusted_proxies:
            self._edge = ProxyFix(
                self._add_headers,
                x_for=trusted_proxies,
                x_proto=trusted_proxies,
                x_host=trusted_proxies,
                x_port=trusted_proxies,
            )

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        return self._edge(environ, start_response)

    def _add_headers(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        extra = security_headers(https=is_https(environ))

        def start_with_headers(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], object]:
            present = {name.lower() for name, _ in headers}
            missing = [(k, v) for k, v in extra.items() if k.lower() not in present]
            return start_response(status, [*headers, *missing], exc_info)

        return self.app(environ, start_with_headers)


def init_app(app: Flask) -> None:
    """Security headers on every response Flask makes, as ``after_request``.

    :class:`SecurityHeaders` would add them too, but here they come before the headers
    werkzeug adds last (``Content-Length`` of an automatic ``OPTIONS`` answer), as always.
    """

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in security_headers(https=is_https(request.environ)).items():
            response.headers.setdefault(name, value)
        return response
