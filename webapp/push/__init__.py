"""Web Push reminders: wiring, and the app's VAPID key and clock.

One job per module: ``config`` (the settings, read once into :class:`PushSettings`),
``schedule`` (the plan: pure functions), ``models`` (the tables), ``plans`` (what the
API does to a plan), ``queue`` (the senders' claim, renew, record and cleanup),
``messages`` (the notification payload), ``sender`` (sending one run), ``worker``
(the loop of runs), ``keys`` (the VAPID key pair) and ``cli`` (``flask reminders``).

Modules of this package never read Flask request globals: ``schedule`` is pure, the
database modules need only an app context, ``sender`` runs from the CLI.
"""

from __future__ import annotations

import datetime as dt

from flask import Flask, current_app

from . import keys
from .cli import reminders_cli
from .config import EXTENSION, PushSettings, read_settings, settings

__all__ = ["PushSettings", "init_app", "read_settings", "settings", "utcnow", "vapid_key"]

#: Where :func:`vapid_key` keeps the key once loaded.
KEY_EXTENSION = "simexit_vapid"


def vapid_key() -> keys.VapidKey:
    """The app's VAPID key, loaded (or created) on first use."""
    key = current_app.extensions.get(KEY_EXTENSION)
    if key is None:
        key = keys.load(configured=settings().private_key, instance_path=current_app.instance_path)
        current_app.extensions[KEY_EXTENSION] = key
    return key


def utcnow() -> dt.datetime:
    """The current moment, aware, in UTC: the one clock of the API and the sender."""
    return dt.datetime.now(dt.UTC)


def init_app(app: Flask) -> None:
    """Read the push settings and register ``flask reminders``."""
    app.extensions[EXTENSION] = read_settings(app.config)
    app.cli.add_command(reminders_cli)
