"""Thousands of due reminders at once, and the command that sends them.

``tests/test_exactly_once.py`` and ``bench/bench_senders.py`` both fill a database with one due
``unbind`` reminder per subscription, in bulk, then start ``flask reminders send`` processes.
"""

from __future__ import annotations

import datetime as dt
import sys

import sqlalchemy as sa

from webapp import push
from webapp.db import db
from webapp.push import models
from webapp.push.plans import RETENTION

#: When every reminder is due (naive UTC in the database).
DUE = dt.datetime(2030, 6, 7, 6, 0, tzinfo=dt.UTC)
#: A minute later: every reminder is due, none is late.
NOW = DUE + dt.timedelta(minutes=1)


def add_due_reminders(app, subscriptions: list[dict]) -> list[str]:
    """One due ``unbind`` reminder per subscription, inserted in bulk; return the plan ids.

    :param subscriptions: push subscriptions as a browser gives them (``endpoint``, ``keys``).
    The VAPID key is created here too, once, for the sender processes to share.
    """
    now = DUE - dt.timedelta(days=10)
    subs, plans, reminders = [], [], []
    for i, sub in enumerate(subscriptions, start=1):
        subs.append(
            {
                "id": i,
                "endpoint": sub["endpoint"],
                "p256dh": sub["keys"]["p256dh"],
                "auth": sub["keys"]["auth"],
                "created_at": now,
            }
        )
        plans.append(
            {
                "id": f"plan{i:05d}",
                "token_hash": "0" * 64,
                "subscription_id": i,
                "locale": "en",
                "operator": "azercell",
                "day": DUE.date(),
                "timezone": "Asia/Baku",
                "created_at": now,
                "expires_at": DUE + RETENTION,
            }
        )
        reminders.append(
            {
                "plan_id": f"plan{i:05d}",
                "kind": "unbind",
                "due_at": DUE,
                "next_attempt_at": DUE,
                "state": models.PENDING,
                "attempts": 0,
            }
        )
    with app.app_context():
        for model, rows in (
            (models.Subscription, subs),
            (models.Plan, plans),
            (models.Reminder, reminders),
        ):
            db.session.execute(sa.insert(model), rows)
        db.session.commit()
        push.vapid_key()
    return [p["id"] for p in plans]


def send_command(now: dt.datetime = NOW) -> list[str]:
    """``flask --app webapp reminders send --now …``, run by this Python (from the repo root)."""
    return [
        sys.executable,
        "-m",
        "flask",
        "--app",
        "webapp",
        "reminders",
        "send",
        "--now",
        now.isoformat(),
    ]
