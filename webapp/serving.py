"""Serve the built site through WhiteNoise, in front of the Flask app.

WhiteNoise snapshots the file tree when it starts, which is why ``build`` runs
first (``build.init_app``). Everything it does not find (the API, ``/``) falls
through to Flask.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from whitenoise import WhiteNoise

from . import assets, headers


class SiteWhiteNoise(WhiteNoise):
    """WhiteNoise that leaves ``/`` to Flask, which picks the visitor's language.

    The build's root ``index.html`` (a plain language chooser) is for static hosts.
    """

    def add_file_to_dictionary(self, url: str, path: str, stat_cache: dict | None = None) -> None:
        super().add_file_to_dictionary(url, path, stat_cache=stat_cache)
        self.files.pop("/", None)

    def find_file(self, url: str) -> Any:
        return None if url == "/" else super().find_file(url)


def immutable_file_test(path: str, url: str) -> bool:  # noqa: ARG001 - WhiteNoise's signature
    """Content-hashed assets never change: cache them for a year."""
    return url.startswith("/assets/") and bool(assets.HASHED_RE.search(url))


def init_app(app: Flask) -> None:
    """Serve ``BUILD_DIR`` in front of the app, everything behind ``headers.SecurityHeaders``."""
    root = app.config["BUILD_DIR"]
    os.makedirs(root, exist_ok=True)
    site = SiteWhiteNoise(
        app.wsgi_app,
        root=root,
        index_file=True,
        autorefresh=app.config["STATIC_AUTOREFRESH"],
        immutable_file_test=immutable_file_test,
        add_headers_function=headers.whitenoise_headers,
        max_age=3600,
        # WhiteNoise's default sends "Access-Control-Allow-Origin: *" with every file; no
        # other site needs to read ours (fonts, scripts and styles are all same-origin).
        allow_all_origins=False,
        mimetypes={".webmanifest": "application/manifest+json"},
    )
    # Outermost, so WhiteNoise's files and redirects get the security headers too, and the
    # trusted proxies' X-Forwarded-* are applied once, before WhiteNoise and Flask see them.
    app.wsgi_app = headers.SecurityHeaders(  # type: ignore[method-assign]
        site, trusted_proxies=int(app.config.get("TRUSTED_PROXIES", 0))
    )
