"""HTTP headers: security headers for every response, and cache rules for the site.

The same rules are written into the build's ``_headers`` file, so a static host
that reads it (the common convention) sends what the Flask app sends.
"""

from __future__ import annotations

from flask import Flask, request

from . import i18n

#: No inline script or style anywhere, nothing from another origin.
CONTENT_SECURITY_POLICY = "; ".join([
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
])

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


def needs_revalidation(url: str) -> bool:
    return url.endswith(("/", ".html", "/sw.js", ".webmanifest", "/robots.txt"))


def whitenoise_headers(headers, path: str, url: str) -> None:
    """WhiteNoise ``add_headers_function``: cache rule plus security headers."""
    if needs_revalidation(url):
        headers["Cache-Control"] = REVALIDATE
    if url.endswith("/sw.js"):
        headers["Service-Worker-Allowed"] = "/"
    for name, value in SECURITY_HEADERS.items():
        headers[name] = value


def static_host_headers() -> str:
    """The ``_headers`` file for static hosts: what :func:`whitenoise_headers` sends, plus HSTS.

    Static hosts that read ``_headers`` serve https only, so HSTS is always right there.
    """
    def block(path: str, headers: dict[str, str]) -> list[str]:
        return [path] + [f"  {name}: {value}" for name, value in headers.items()] + [""]

    lines = block("/*", {**SECURITY_HEADERS, "Strict-Transport-Security": HSTS})
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
        aliases = [alias for alias, target in i18n.TAG_ALIASES.items()
                   if target == code and "-" not in alias and alias != primary]
        lines.append(f"/  /{code}/  302  Language={','.join([primary, *aliases])}")
    lines.append(f"/  /{i18n.DEFAULT_LANG}/  302")
    return "\n".join(lines) + "\n"


class SecurityHeaders:
    """WSGI middleware: the security headers on every response, HSTS on those over https.

    Meant to wrap WhiteNoise (``serving.init_app``), which answers the site's files and
    its ``/en`` -> ``/en/`` redirects without Flask: the headers of its files are fixed
    when it starts (:func:`whitenoise_headers`), its redirects get none, and the scheme
    is only known per request. ``trusted_proxies`` (``TRUSTED_PROXIES``) reads the scheme
    from ``X-Forwarded-Proto`` the way werkzeug's ``ProxyFix`` does, which sits inside.
    """

    def __init__(self, app, *, trusted_proxies: int = 0) -> None:
        self.app = app
        self.trusted_proxies = trusted_proxies

    def scheme(self, environ) -> str:
        forwarded = [v.strip() for v in environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")]
        if self.trusted_proxies and len(forwarded) >= self.trusted_proxies \
                and forwarded[-self.trusted_proxies]:
            return forwarded[-self.trusted_proxies].lower()
        return environ.get("wsgi.url_scheme", "http")

    def __call__(self, environ, start_response):
        extra = dict(SECURITY_HEADERS)
        if self.scheme(environ) == "https":
            extra["Strict-Transport-Security"] = HSTS

        def start_with_headers(status, headers, exc_info=None):
            present = {name.lower() for name, _ in headers}
            missing = [(k, v) for k, v in extra.items() if k.lower() not in present]
            return start_response(status, [*headers, *missing], exc_info)

        return self.app(environ, start_with_headers)


def init_app(app: Flask) -> None:
    """Security headers on every response Flask makes (WhiteNoise adds its own)."""

    @app.after_request
    def add_security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
