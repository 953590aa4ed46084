"""HTTP headers: security headers for every response, and cache rules for the site.

The same rules are written into the build's ``_headers`` file, so a static host
that reads it (the common convention) sends what the Flask app sends.
"""

from __future__ import annotations

from flask import Flask, request

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
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
                          "interest-cohort=()",
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
    """The ``_headers`` file for static hosts."""
    lines = ["/*"] + [f"  {k}: {v}" for k, v in SECURITY_HEADERS.items()]
    lines += [f"  Strict-Transport-Security: {HSTS}", "", "/assets/*",
              f"  Cache-Control: {IMMUTABLE}", "", "/sw.js", f"  Cache-Control: {REVALIDATE}",
              "", "/*.webmanifest", f"  Cache-Control: {REVALIDATE}", "",
              "/*.html", f"  Cache-Control: {REVALIDATE}", "", "/*/", f"  Cache-Control: {REVALIDATE}"]
    return "\n".join(lines) + "\n"


def static_host_redirects() -> str:
    """The ``_redirects`` file: ``/`` by browser language, where the host supports it."""
    return ("/  /az/  302  Language=az\n/  /ru/  302  Language=ru\n"
            "/  /zh-hans/  302  Language=zh\n/  /en/  302\n")


def init_app(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
