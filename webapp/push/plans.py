"""What the API does to a plan: create, read, delete, mark a step done, move it.

A plan belongs to one PushSubscription (subscribing again replaces the endpoint's
earlier plan) and is managed with a token shown once and stored as a SHA-256 hash
(it is 256 random bits, so a slow hash adds nothing). Each function commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Sequence

import sqlalchemy as sa

from ..db import db
from . import schedule
from .models import DONE, PENDING, Plan, Reminder, Subscription

#: Plans (and their subscription) are deleted this long after their last reminder.
RETENTION = dt.timedelta(days=3)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _subscription(info: dict, now: dt.datetime) -> Subscription:
    """The stored subscription for ``info["endpoint"]``, created or with fresh keys."""
    sub = db.session.execute(
        sa.select(Subscription).where(Subscription.endpoint == info["endpoint"])
    ).scalar_one_or_none()
    if sub is None:
        sub = Subscription(endpoint=info["endpoint"], created_at=now)
        db.session.add(sub)
    sub.p256dh, sub.auth = info["keys"]["p256dh"], info["keys"]["auth"]
    db.session.flush()
    return sub


def _drop_plan_of(sub: Subscription, keep: str | None = None) -> None:
    db.session.execute(
        sa.delete(Plan).where(Plan.subscription_id == sub.id, Plan.id != (keep or ""))
    )


def create_plan(
    subscription: dict,
    *,
    locale: str,
    operator: str,
    day: dt.date,
    timezone: str,
    reminders: Sequence[schedule.Reminder],
    now: dt.datetime,
) -> tuple[Plan, str]:
    """Store a plan for a validated subscription, replacing that endpoint's earlier plan.

    :return: the plan and its management token (shown once, stored hashed).
    """
    sub = _subscription(subscription, now)
    _drop_plan_of(sub)
    token = secrets.token_urlsafe(32)
    plan = Plan(
        id=secrets.token_urlsafe(16),
        token_hash=hash_token(token),
        subscription=sub,
        locale=locale,
        operator=operator,
        day=day,
        timezone=timezone,
        created_at=now,
        expires_at=max(r.due for r in reminders) + RETENTION,
    )
    plan.reminders = [
        Reminder(kind=r.kind, due_at=r.due, next_attempt_at=r.due, state=PENDING, attempts=0)
        for r in reminders
    ]
    db.session.add(plan)
    db.session.commit()
    return plan, token


def get_plan(plan_id: str, token: str | None) -> Plan | None:
    """The plan if ``token`` is its token; ``None`` for a wrong id or token alike."""
    if not token:
        return None
    plan = db.session.get(Plan, plan_id)
    if plan is None or not hmac.compare_digest(plan.token_hash, hash_token(token)):
        return None
    return plan


def delete_plan(plan: Plan) -> None:
    """Delete the plan and its subscription (a subscription holds at most one plan)."""
    db.session.execute(sa.delete(Subscription).where(Subscription.id == plan.subscription_id))
    db.session.commit()


def mark_done(plan: Plan, kind: str) -> None:
    """The traveller did this step: its reminder is not sent (again)."""
    for reminder in plan.reminders:
        if reminder.kind == kind:
            reminder.state, reminder.claim, reminder.claimed_until = DONE, None, None
    db.session.commit()


def move_plan(plan: Plan, subscription: dict, now: dt.datetime) -> None:
    """Move the plan to a new PushSubscription (the browser replaced the old one)."""
    old_id = plan.subscription_id
    sub = _subscription(subscription, now)
    if sub.id != old_id:
        _drop_plan_of(sub, keep=plan.id)
        plan.subscription_id = sub.id
        db.session.flush()
        db.session.execute(sa.delete(Subscription).where(Subscription.id == old_id))
    db.session.commit()
