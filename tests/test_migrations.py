"""Migrations keep the data: a database holding rows of the first schema upgrades to head."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from webapp.db import db
from webapp.push import queue

pytestmark = pytest.mark.databases()

FIRST = "0001"
NOW = dt.datetime(2026, 6, 1, 8, 0)  # naive UTC, as stored


def rows_of_the_first_schema(connection) -> dict[str, list[dict]]:
    """Insert a little of everything through plain SQL, as the first schema stored it."""
    subscriptions = [
        {
            "id": i,
            "endpoint": f"https://fcm.googleapis.com/fcm/send/{i}",
            "p256dh": "B" + "a" * 86,
            "auth": "c" * 22,
            "created_at": NOW,
        }
        for i in range(1, 4)
    ]
    plans = [
        {
            "id": f"plan{i}",
            "token_hash": f"{i:064x}",
            "subscription_id": i,
            "locale": "en",
            "operator": "nar",
            "day": dt.date(2026, 6, 10),
            "timezone": "Asia/Baku",
            "created_at": NOW,
            "expires_at": NOW + dt.timedelta(days=14),
        }
        for i in range(1, 4)
    ]
    states = ["pending", "sent", "done", "failed", "expired"]
    reminders = [
        {
            "id": 10 * p + k,
            "plan_id": f"plan{p}",
            "kind": kind,
            "due_at": NOW + dt.timedelta(days=k),
            "state": states[(p + k) % 5],
            "next_attempt_at": NOW + dt.timedelta(days=k),
            "attempts": k,
            "claim": "ab" * 16 if k == 0 else None,
            "claimed_until": NOW if k == 0 else None,
            "sent_at": NOW if states[(p + k) % 5] == "sent" else None,
            "last_status": 201 if k else None,
            "last_error": "HTTP 500" if k == 3 else None,
        }
        for p in range(1, 4)
        for k, kind in enumerate(["unbind", "prepare", "close", "verify"])
    ]
    data = {"subscription": subscriptions, "plan": plans, "reminder": reminders}
    metadata = sa.MetaData()
    metadata.reflect(connection)
    for name, rows in data.items():
        connection.execute(metadata.tables[name].insert(), rows)
    return data


def table_rows(connection, name: str) -> list[dict]:
    table = sa.Table(name, sa.MetaData(), autoload_with=connection)
    return [dict(row._mapping) for row in connection.execute(table.select().order_by(table.c.id))]


def test_upgrade_from_the_first_schema_keeps_every_row(app):
    with app.app_context():
        upgrade(revision=FIRST)
        with db.engine.begin() as connection:
            inserted = rows_of_the_first_schema(connection)
        upgrade()
        with db.engine.connect() as connection:
            for name, rows in inserted.items():
                assert table_rows(connection, name) == rows, name
            head = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        assert head != FIRST
        # The upgraded database works: the pending reminders are claimable, nothing else.
        later = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)
        claimed = queue.claim_due(later, limit=100, lease=dt.timedelta(minutes=5), wall_now=later)
        assert sorted(d.id for d in claimed) == sorted(
            r["id"] for r in inserted["reminder"] if r["state"] == "pending"
        )


def test_the_schema_rejects_an_unknown_state(app, schema):
    with app.app_context(), pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO subscription VALUES"
                " (1, 'https://x.invalid/1', 'k', 'a', '2026-01-01')"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO plan VALUES ('p', 'h', 1, 'en', 'nar', '2026-06-10', 'Asia/Baku',"
                " '2026-01-01', '2026-07-01')"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO reminder (plan_id, kind, due_at, state, next_attempt_at, attempts)"
                " VALUES ('p', 'close', '2026-06-10', 'lost', '2026-06-10', 0)"
            )
        )


def test_downgrade_to_the_first_schema_and_back(app):
    with app.app_context():
        upgrade()
        downgrade(revision=FIRST)
        upgrade()
        indexes = {i["name"] for i in sa.inspect(db.engine).get_indexes("reminder")}
    assert "ix_reminder_pending" in indexes and "ix_reminder_due" not in indexes


def test_the_claim_uses_the_pending_index(app, schema):
    """The claim's search is an index range scan of pending rows, not a table scan."""
    later = dt.datetime(2026, 7, 1)
    with app.app_context(), db.engine.connect() as connection:
        query = (
            "SELECT id FROM reminder WHERE state = 'pending' AND next_attempt_at <= :now "
            "ORDER BY next_attempt_at LIMIT 500"
        )
        if connection.dialect.name == "sqlite":
            plan = connection.execute(sa.text("EXPLAIN QUERY PLAN " + query), {"now": later})
            assert "ix_reminder_pending" in " ".join(str(row[-1]) for row in plan)
        else:
            connection.exec_driver_sql("SET enable_seqscan = off")  # an empty table: force it
            plan = connection.execute(sa.text("EXPLAIN " + query), {"now": later})
            assert "ix_reminder_pending" in " ".join(row[0] for row in plan)
