"""Storage of subscriptions, plans and reminders, and the atomic claim of due reminders.

Nothing here identifies a person: a push endpoint with its keys, the operator,
the day, the time zone and the language. The management token is stored only as
a SHA-256 hash (it is 256 random bits, so a slow hash adds nothing).

Sending is "claim, send, record": :func:`claim_due` marks a batch of due
reminders with a claim id and a lease in one atomic statement, so two senders
never hold the same reminder; a sender that dies leaves claims that expire and
are claimed again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import db
from . import schedule

#: Plans (and their subscription) are deleted this long after their last reminder.
RETENTION = dt.timedelta(days=3)

PENDING, SENT, DONE, FAILED, EXPIRED = "pending", "sent", "done", "failed", "expired"
#: Only pending reminders are indexed for the claim (migration 0002): the index stays as
#: small as the queue, whatever the history. A literal, so the planners can use it.
_IS_PENDING = sa.text("state = 'pending'")


class UTCDateTime(sa.TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out; stored naive UTC on every engine."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=dt.UTC)


class Subscription(db.Model):
    """A browser's PushSubscription: where to send, and the keys to encrypt for."""

    __tablename__ = "subscription"
    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint: Mapped[str] = mapped_column(sa.String(2048), unique=True)
    p256dh: Mapped[str] = mapped_column(sa.String(100))
    auth: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Plan(db.Model):
    """One traveller's plan: one per subscription (subscribing again replaces it)."""

    __tablename__ = "plan"
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64))
    subscription_id: Mapped[int] = mapped_column(
        sa.ForeignKey("subscription.id", ondelete="CASCADE"), unique=True)
    locale: Mapped[str] = mapped_column(sa.String(16))
    operator: Mapped[str] = mapped_column(sa.String(16))
    day: Mapped[dt.date] = mapped_column(sa.Date)
    timezone: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    #: When cleanup deletes the plan: a few days after its last reminder.
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)

    subscription: Mapped[Subscription] = relationship()
    reminders: Mapped[list[Reminder]] = relationship(
        order_by="Reminder.due_at", cascade="all, delete-orphan", passive_deletes=True)


class Reminder(db.Model):
    """One notification of a plan, with its sending state and claim."""

    __tablename__ = "reminder"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "kind"),
        sa.CheckConstraint(f"state IN {(PENDING, SENT, DONE, FAILED, EXPIRED)}", name="state"),
        sa.Index("ix_reminder_pending", "next_attempt_at", sqlite_where=_IS_PENDING,
                 postgresql_where=_IS_PENDING),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[str] = mapped_column(sa.ForeignKey("plan.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(sa.String(8), default=PENDING)
    #: Due time, then the retry time after a 429/5xx/network error.
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    claim: Mapped[str | None] = mapped_column(sa.String(32))
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_status: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(sa.String(200))


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
    db.session.execute(sa.delete(Plan).where(Plan.subscription_id == sub.id, Plan.id != (keep or "")))


def create_plan(subscription: dict, *, locale: str, operator: str, day: dt.date, timezone: str,
                reminders: Sequence[schedule.Reminder], now: dt.datetime) -> tuple[Plan, str]:
    """Store a plan for a validated subscription, replacing that endpoint's earlier plan.

    :return: the plan and its management token (shown once, stored hashed).
    """
    sub = _subscription(subscription, now)
    _drop_plan_of(sub)
    token = secrets.token_urlsafe(32)
    plan = Plan(id=secrets.token_urlsafe(16), token_hash=hash_token(token), subscription=sub,
                locale=locale, operator=operator, day=day, timezone=timezone, created_at=now,
                expires_at=max(r.due for r in reminders) + RETENTION)
    plan.reminders = [Reminder(kind=r.kind, due_at=r.due, next_attempt_at=r.due, state=PENDING,
                               attempts=0) for r in reminders]
    db.session.add(plan)
    db.session.commit()
    return plan, token


def get_plan(plan_id: str, token: str | None) -> Plan | None:
    """The plan if ``token`` is its token; ``None`` for a wrong id or token alike."""
    plan = db.session.get(Plan, plan_id) if token else None
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


def claim_due(now: dt.datetime, *, limit: int, lease: dt.timedelta,
              wall_now: dt.datetime | None = None) -> list[Due]:
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
    table = Reminder.__table__
    candidates = (
        sa.select(table.c.id)
        .where(_IS_PENDING, table.c.next_attempt_at <= now,
               sa.or_(table.c.claimed_until.is_(None), table.c.claimed_until < wall_now))
        .order_by(table.c.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = db.session.execute(
        sa.update(table)
        .where(table.c.id.in_(candidates.scalar_subquery()))
        .values(claim=claim, claimed_until=wall_now + lease)
        .returning(table.c.id)
    ).scalars().all()
    db.session.commit()
    if not claimed:
        return []
    # Plain rows, not ORM objects: a batch is hundreds of rows, read once.
    rows = db.session.execute(
        sa.select(Reminder.id, Reminder.kind, Reminder.due_at, Reminder.attempts, Plan.id,
                  Plan.locale, Plan.operator, Subscription.id, Subscription.endpoint,
                  Subscription.p256dh, Subscription.auth)
        .join(Plan, Reminder.plan_id == Plan.id)
        .join(Subscription, Plan.subscription_id == Subscription.id)
        .where(Reminder.id.in_(claimed), Reminder.claim == claim)
        .order_by(Reminder.next_attempt_at)
    ).all()
    due = [Due(rid, claim, kind, due_at, attempts, plan_id, locale, operator, sub_id,
               endpoint, p256dh, auth)
           for rid, kind, due_at, attempts, plan_id, locale, operator, sub_id, endpoint, p256dh,
           auth in rows]
    db.session.commit()
    return due


def renew(claim: str, ids: Iterable[int], *, lease: dt.timedelta,
          wall_now: dt.datetime | None = None) -> int:
    """Extend the lease of the reminders still held under ``claim``; return how many.

    A sender renews while it works, so a slow batch (timeouts, inline retries) is
    never taken over by another sender; one that died stops renewing.
    """
    ids = list(ids)
    if not ids:
        return 0
    wall_now = wall_now or dt.datetime.now(dt.UTC)
    table = Reminder.__table__
    renewed = db.session.execute(
        sa.update(table)
        .where(table.c.id.in_(ids), table.c.claim == claim)
        .values(claimed_until=wall_now + lease)
    ).rowcount
    db.session.commit()
    return renewed


@dataclass(frozen=True)
class Outcome:
    """What became of one claimed reminder; the sender produces these, :func:`record` stores them."""

    due: Due
    state: str  # SENT, FAILED, EXPIRED, PENDING (retry later) or "gone" (subscription dead)
    attempts: int
    status: int | None = None
    error: str | None = None
    retry_at: dt.datetime | None = None


def record(outcomes: Iterable[Outcome], now: dt.datetime) -> None:
    """Store a batch's outcomes in one transaction and release its claims.

    Updates only rows still holding the same claim: a sender whose lease ran out
    and was overtaken does not overwrite the newer sender's work.
    """
    table = Reminder.__table__
    rows: dict[str, list[dict]] = {}
    gone: set[int] = set()
    for o in outcomes:
        if o.state == "gone":
            gone.add(o.due.subscription_id)
            continue
        rows.setdefault(o.state, []).append({
            "rid": o.due.id, "old_claim": o.due.claim, "attempts": o.attempts,
            "last_status": o.status, "last_error": (o.error or "")[:200] or None,
            "next_attempt_at": o.retry_at or o.due.due, "sent_at": now if o.state == SENT else None,
        })
    stmt = (
        sa.update(table)
        .where(table.c.id == sa.bindparam("rid"), table.c.claim == sa.bindparam("old_claim"))
        .values(claim=None, claimed_until=None)
    )
    for state, params in rows.items():
        values = {"state": state, **{k: sa.bindparam(k) for k in params[0] if k not in
                                     ("rid", "old_claim")}}
        db.session.execute(stmt.values(**values), params)
    if gone:
        db.session.execute(sa.delete(Subscription).where(Subscription.id.in_(gone)))
    db.session.commit()


def cleanup(now: dt.datetime) -> int:
    """Delete plans past their retention, and subscriptions left without a plan."""
    deleted = db.session.execute(
        sa.delete(Subscription).where(
            Subscription.id.in_(sa.select(Plan.subscription_id).where(Plan.expires_at < now))
            | ~sa.exists().where(Plan.subscription_id == Subscription.id))
    ).rowcount
    db.session.commit()
    return deleted
