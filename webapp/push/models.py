"""The reminders tables: subscriptions, plans and their reminders.

Nothing here identifies a person: a push endpoint with its keys, the operator,
the day, the time zone and the language. The management token is stored only as
a SHA-256 hash (``plans.hash_token``).

The schema is made by the migrations (``webapp/migrations/``); a change here needs one.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Model

#: A reminder's states (``reminder.state``): waiting to be sent (or sent again after a
#: retryable failure), accepted by the push service, marked done by the traveller, given
#: up on, or too late to be useful when a sender got to it.
PENDING, SENT, DONE, FAILED, EXPIRED = "pending", "sent", "done", "failed", "expired"
STATES: tuple[str, ...] = (PENDING, SENT, DONE, FAILED, EXPIRED)
#: Only pending reminders are indexed for the claim (migration 0002): the index stays as
#: small as the queue, whatever the history. A literal, so the planners can use it.
IS_PENDING = sa.text(f"state = '{PENDING}'")


class UTCDateTime(sa.TypeDecorator[dt.datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out; stored naive UTC on every engine."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(
        self,
        value: dt.datetime | None,
        dialect: sa.Dialect,  # noqa: ARG002
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(
        self,
        value: dt.datetime | None,
        dialect: sa.Dialect,  # noqa: ARG002
    ) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


class Subscription(Model):
    """A browser's PushSubscription: where to send, and the keys to encrypt for."""

    __tablename__ = "subscription"
    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint: Mapped[str] = mapped_column(sa.String(2048), unique=True)
    p256dh: Mapped[str] = mapped_column(sa.String(100))
    auth: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Plan(Model):
    """One traveller's plan: one per subscription (subscribing again replaces it)."""

    __tablename__ = "plan"
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64))
    subscription_id: Mapped[int] = mapped_column(
        sa.ForeignKey("subscription.id", ondelete="CASCADE"), unique=True
    )
    locale: Mapped[str] = mapped_column(sa.String(16))
    operator: Mapped[str] = mapped_column(sa.String(16))
    day: Mapped[dt.date] = mapped_column(sa.Date)
    timezone: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    #: When cleanup deletes the plan: a few days after its last reminder.
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)

    subscription: Mapped[Subscription] = relationship()
    reminders: Mapped[list[Reminder]] = relationship(
        order_by="Reminder.due_at", cascade="all, delete-orphan", passive_deletes=True
    )


class Reminder(Model):
    """One notification of a plan, with its sending state and claim."""

    __tablename__ = "reminder"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "kind"),
        sa.CheckConstraint(f"state IN {STATES}", name="state"),
        sa.Index(
            "ix_reminder_pending",
            "next_attempt_at",
            sqlite_where=IS_PENDING,
            postgresql_where=IS_PENDING,
        ),
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
