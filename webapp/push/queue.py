"""The senders' queue: claim due reminders, renew the claims, record outcomes, clean up.

Sending is "claim, send, record": :func:`claim_due` marks a batch of due
reminders with a claim id and a lease in one atomic statement, so two senders
never hold the same reminder; a sender that dies leaves claims that expire and
are claimed again.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa

from ..db import db
from .models import IS_PENDING, SENT, Plan, Reminder, Subscription

#: An outcome that is no stored state: the push service says the subscription is gone
#: (404/410), so it is deleted with its plan and reminders.
GONE = "gone"
#: The reminder table, for the Core statements of the queue (bulk, no ORM objects).
_REMINDER = cast(sa.Table, Reminder.__table__)


def _rowcount(statement: sa.Executable) -> int:
    """Run a bulk UPDATE or DELETE; return how many rows it touched."""
    return cast("sa.CursorResult[Any]", db.session.execute(statement)).rowcount


@dataclass(frozen=True)
class Due:
    """A claimed reminder with everything needed to send it, detached from the session."""

    id: int
    claim: str
    kind: str
    due: dt.datetime
    attempts: int
    plan_id: str
    locale: str
    operator: str
    subscription_id: int
    endpoint: str
    p256dh: str
    auth: str

    @property
    def subscription_info(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


def claim_due(
    now: dt.datetime, *, limit: int, lease: dt.timedelta, wall_now: dt.datetime | None = None
) -> list[Due]:
    """Atomically claim up to ``limit`` reminders due at ``now``, for ``lease``.

    One statement, ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING``:
    on PostgreSQL concurrent senders skip each other's rows (and a row another
    sender claimed meanwhile is re-checked against the WHERE clause before it is
    locked); SQLite ignores the locking clause but runs the statement under its
    single write lock, taken before the statement reads (the session holds no read
    snapshot before it), which is atomic across processes too.

    :param now: the moment to send for (``--now`` may replay another one).
    :param wall_now: the real time, against which leases are counted.
    """
    wall_now = wall_now or dt.datetime.now(dt.UTC)
    db.session.commit()  # start from a fresh transaction: the UPDATE comes first
    claim = secrets.token_hex(16)
    table = _REMINDER
    candidates = (
        sa.select(table.c.id)
        .where(
            IS_PENDING,
            table.c.next_attempt_at <= now,
            sa.or_(table.c.claimed_until.is_(None), table.c.claimed_until < wall_now),
        )
        .order_by(table.c.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = (
        db.session.execute(
            sa.update(table)
            .where(table.c.id.in_(candidates.scalar_subquery()))
            .values(claim=claim, claimed_until=wall_now + lease)
            .returning(table.c.id)
        )
        .scalars()
        .all()
    )
    db.session.commit()
    if not claimed:
        return []
    # Plain rows, not ORM objects: a batch is hundreds of rows, read once.
    rows = db.session.execute(
        sa.select(
            Reminder.id,
            Reminder.kind,
            Reminder.due_at,
            Reminder.attempts,
            Plan.id,
            Plan.locale,
            Plan.operator,
            Subscription.id,
            Subscription.endpoint,
            Subscription.p256dh,
            Subscription.auth,
        )
        .join(Plan, Reminder.plan_id == Plan.id)
        .join(Subscription, Plan.subscription_id == Subscription.id)
        .where(Reminder.id.in_(claimed), Reminder.claim == claim)
        .order_by(Reminder.next_attempt_at)
    ).all()
    # A row is the Due's fields after its claim, in order.
    due = [Due(row[0], claim, *row[1:]) for row in rows]
    db.session.commit()
    return due


def renew(
    claim: str, ids: Iterable[int], *, lease: dt.timedelta, wall_now: dt.datetime | None = None
) -> int:
    """Extend the lease of the reminders still held under ``claim``; return how many.

    A sender renews while it works, so a slow batch (timeouts, inline retries) is
    never taken over by another sender; one that died stops renewing.
    """
    ids = list(ids)
    if not ids:
        return 0
    wall_now = wall_now or dt.datetime.now(dt.UTC)
    table = _REMINDER
    renewed = _rowcount(
        sa.update(table)
        .where(table.c.id.in_(ids), table.c.claim == claim)
        .values(claimed_until=wall_now + lease)
    )
    db.session.commit()
    return renewed


@dataclass(frozen=True)
class Outcome:
    """What became of one claimed reminder: made by the sender, stored by :func:`record`."""

    due: Due
    state: str  # SENT, FAILED, EXPIRED, PENDING (retry later) or GONE
    attempts: int
    status: int | None = None
    error: str | None = None
    retry_at: dt.datetime | None = None


def record(outcomes: Iterable[Outcome], now: dt.datetime) -> None:
    """Store a batch's outcomes in one transaction and release its claims.

    Updates only rows still holding the same claim: a sender whose lease ran out
    and was overtaken does not overwrite the newer sender's work.
    """
    table = _REMINDER
    rows: dict[str, list[dict]] = {}
    gone: set[int] = set()
    for o in outcomes:
        if o.state == GONE:
            gone.add(o.due.subscription_id)
            continue
        rows.setdefault(o.state, []).append(
            {
                "rid": o.due.id,
                "old_claim": o.due.claim,
                "attempts": o.attempts,
                "last_status": o.status,
                "last_error": (o.error or "")[:200] or None,
                "next_attempt_at": o.retry_at or o.due.due,
                "sent_at": now if o.state == SENT else None,
            }
        )
    stmt = (
        sa.update(table)
        .where(table.c.id == sa.bindparam("rid"), table.c.claim == sa.bindparam("old_claim"))
        .values(claim=None, claimed_until=None)
    )
    for state, params in rows.items():
        values = {
            "state": state,
            **{k: sa.bindparam(k) for k in params[0] if k not in ("rid", "old_claim")},
        }
        db.session.execute(stmt.values(**values), params)
    if gone:
        db.session.execute(sa.delete(Subscription).where(Subscription.id.in_(gone)))
    db.session.commit()


def cleanup(now: dt.datetime) -> int:
    """Delete plans past their retention, and subscriptions left without a plan."""
    deleted = _rowcount(
        sa.delete(Subscription).where(
            Subscription.id.in_(sa.select(Plan.subscription_id).where(Plan.expires_at < now))
            | ~sa.exists().where(Plan.subscription_id == Subscription.id)
        )
    )
    db.session.commit()
    return deleted
