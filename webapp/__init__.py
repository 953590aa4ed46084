"""SIM Exit: a static, offline-first guide plus a small push-reminder API.

``create_app`` only wires things together: configuration, then each concern's
``init_app``, then blueprints, then WhiteNoise in front of everything.
"""

from __future__ import annotations

import os

from flask import Flask

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the SIM Exit application."""
    app = Flask(
        __name__,
        instance_path=os.path.join(REPO_ROOT, "instance"),
        static_folder=None,  # the built site is served by WhiteNoise, not by Flask
    )
    app.config.from_mapping(
        # SQLite database, VAPID key and other per-install files live here.
        INSTANCE_PATH=app.instance_path,
        # Where `flask build` writes the site and where WhiteNoise serves it from.
        BUILD_DIR=os.path.join(REPO_ROOT, "build"),
        # Build on start-up when the build is missing or older than its sources.
        BUILD_ON_START=True,
        # Serve files changed on disk without a restart: development only.
        STATIC_AUTOREFRESH=False,
        # The site's public address (https://…): absolute hreflang/canonical links and
        # notification links. Empty: relative links (fine for development and tests).
        PUBLIC_URL="",
        # The largest JSON body the API reads, in bytes.
        MAX_CONTENT_LENGTH=8 * 1024,
    )
    if test_config is None:
        app.config.from_prefixed_env("SIMEXIT")
    else:
        app.config.from_mapping(test_config)
    app.instance_path = app.config["INSTANCE_PATH"]
    os.makedirs(app.instance_path, exist_ok=True)

    from . import api, build, catalogs, db, errors, headers, i18n, limits, pages, push, serving

    i18n.init_app(app)
    catalogs.init_app(app)
    db.init_app(app)
    push.init_app(app)
    pages.init_app(app)
    errors.init_app(app)
    headers.init_app(app)
    limits.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)

    build.init_app(app)  # builds on start when stale: after all setup, before WhiteNoise
    serving.init_app(app)
    return app
