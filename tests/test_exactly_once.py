"""Exactly once, with real sender processes: concurrency, a SIGKILL mid-batch, push faults.

Each test runs ``flask --app webapp reminders send --now …`` as separate
processes against the test's database (SQLite file or PostgreSQL database) and
the loopback push service, which decrypts every message: a reminder is counted
by its payload id (``data.plan`` + ``data.kind``, unique per reminder).
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import signal
import socket
import subprocess
import time

import pytest
import sqlalchemy as sa
from appconfig import TEST_VAPID_SUBJECT
from duereminders import NOW, add_due_reminders, send_command
from pushservice import Answer

from webapp import REPO_ROOT
from webapp.db import db
from webapp.push import models

#: Each test starts sender processes and waits for them (thousands of reminders): seconds each.
pytestmark = [pytest.mark.usefixtures("schema"), pytest.mark.slow]

#: Bound on one sender process, so a hung test fails instead of hanging CI.
PROCESS_TIMEOUT = 90


def sender_env(app, push_service, **settings) -> dict:
    """The environment of a sender process: the test's database, instance and push service."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIMEXIT_")}
    config = {
        "DATABASE_URL": app.config["DATABASE_URL"],
        "INSTANCE_PATH": app.instance_path,
        "BUILD_DIR": app.config["BUILD_DIR"],
        "BUILD_ON_START": "false",
        "PUSH_SERVICES": push_service.origin,
        "VAPID_SUBJECT": TEST_VAPID_SUBJECT,
        "PUSH_CONCURRENCY": 16,
        "PUSH_BATCH_SIZE": 100,
        **settings,
    }
    env.update({f"SIMEXIT_{name}": str(value) for name, value in config.items()})
    return env


def start_sender(env, now: dt.datetime = NOW) -> subprocess.Popen:
    return subprocess.Popen(
        send_command(now),
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen) -> str:
    """Wait for a sender; its summary line (``sent N, …``). Fails on a non-zero exit."""
    try:
        out, err = process.communicate(timeout=PROCESS_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    assert process.returncode == 0, err[-3000:]
    return out.strip().splitlines()[-1]


def count(summary: str, name: str) -> int:
    return int(dict(part.rsplit(" ", 1) for part in summary.split(", "))[name])


def payload_id(message) -> tuple[str, str]:
    data = message.payload["notification"]["data"]
    return data["plan"], data["kind"]


def reminder_rows(app) -> list[models.Reminder]:
    with app.app_context():
        rows = db.session.execute(sa.select(models.Reminder).order_by(models.Reminder.id))
        result = list(rows.scalars())
        db.session.expunge_all()
        return result


def test_three_senders_deliver_3000_reminders_exactly_once(app, push_service):
    plans = add_due_reminders(app, [push_service.subscribe() for _ in range(3000)])
    env = sender_env(app, push_service)
    senders = [start_sender(env) for _ in range(3)]
    summaries = [finish(p) for p in senders]

    delivered = collections.Counter(payload_id(m) for m in push_service.delivered())
    assert push_service.rejected == []
    assert set(delivered) == {(plan, "unbind") for plan in plans}
    assert max(delivered.values()) == 1, "a reminder was delivered twice"
    assert sum(count(s, "sent") for s in summaries) == 3000
    assert sum(count(s, "sent") > 0 for s in summaries) >= 2, summaries  # they really shared
    rows = reminder_rows(app)
    assert {(r.state, r.claim) for r in rows} == {("sent", None)}


def test_a_sender_killed_mid_batch_loses_nothing(app, push_service):
    subscriptions = [push_service.subscribe() for _ in range(300)]
    plans = add_due_reminders(app, subscriptions)
    for sub in subscriptions:  # slow answers, so the kill lands in the middle of the batch
        push_service.script(sub, Answer(201, delay=0.05))
    lease = 2
    env = sender_env(
        app, push_service, PUSH_LEASE_SECONDS=lease, PUSH_CONCURRENCY=8, PUSH_BATCH_SIZE=500
    )
    doomed = start_sender(env)
    deadline = time.monotonic() + PROCESS_TIMEOUT
    while len(push_service.messages) < 100:
        assert doomed.poll() is None and time.monotonic() < deadline, "sender ended too soon"
        time.sleep(0.01)
    doomed.send_signal(signal.SIGKILL)
    doomed.communicate(timeout=10)

    held = [r for r in reminder_rows(app) if r.state == "pending"]
    assert held and all(r.claim is not None for r in held)  # claimed by the dead sender
    time.sleep(lease + 0.5)  # its lease runs out (and its last requests are answered)
    # Everything the push service got so far came from the killed sender.
    before_kill = {id(m) for m in push_service.messages}
    assert count(finish(start_sender(env)), "sent") == len(held)

    by_id = collections.defaultdict(list)
    for message in push_service.delivered():
        by_id[payload_id(message)].append(message)
    assert set(by_id) == {(plan, "unbind") for plan in plans}  # every reminder delivered
    twice = {key: messages for key, messages in by_id.items() if len(messages) > 1}
    for messages in twice.values():
        # Sent once by the killed sender (it reached the push service), once after.
        assert [id(m) in before_kill for m in messages] == [True, False]
        assert {(m.headers["topic"], m.payload["notification"]["tag"]) for m in messages} == {
            ("unbind", "simexit-unbind")
        }
    # Outcomes are recorded as they come: only the last moments before the kill are re-sent.
    assert len(twice) < 100
    assert {r.state for r in reminder_rows(app)} == {"sent"}


def closed_origin() -> str:
    """An origin on which nothing listens: connections are refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def test_push_service_faults_end_delivered_or_failed(app, push_service):
    """Timeouts, refused connections, 500 then 201, 429 with Retry-After: nothing is dropped."""
    refused = closed_origin()
    faults = {
        "ok": [],
        "slow": [Answer(201, delay=3.0)],  # times out, then sent again (same tag and Topic)
        "500-then-201": [500],
        "429-retry-after": [Answer(429, retry_after="1")],
        "429-retry-later": [Answer(429, retry_after="3600")],  # rescheduled, sent an hour later
        "always-503": [503] * 3,
    }
    groups: dict[str, list[dict]] = {}
    for name, answers in faults.items():
        groups[name] = [push_service.subscribe() for _ in range(20)]
        for sub in groups[name]:
            push_service.script(sub, *answers)
    groups["refused"] = [
        dict(s, endpoint=f"{refused}/push/{i}")
        for i, s in enumerate(push_service.subscribe() for _ in range(20))
    ]
    subscriptions = [sub for subs in groups.values() for sub in subs]
    plans = add_due_reminders(app, subscriptions)
    names = (name for name, subs in groups.items() for _ in subs)
    group_of = dict(zip(plans, names, strict=True))

    env = sender_env(
        app,
        push_service,
        PUSH_SERVICES=f"{push_service.origin},{refused}",
        PUSH_TIMEOUT=1.0,
        PUSH_MAX_ATTEMPTS=3,
        PUSH_RETRY_BASE=0.05,
    )
    first = [start_sender(env) for _ in range(2)]
    summaries = [finish(p) for p in first]
    assert sum(count(s, "rescheduled") for s in summaries) == 20
    later = finish(start_sender(env, NOW + dt.timedelta(hours=2)))
    assert count(later, "sent") == 20

    slow = {plan for plan, group in group_of.items() if group == "slow"}
    deadline = time.monotonic() + 10  # the timed-out requests are still being answered
    while True:
        delivered = collections.Counter(payload_id(m)[0] for m in push_service.delivered())
        if all(delivered[plan] >= 2 for plan in slow) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    rows = {r.plan_id: r for r in reminder_rows(app)}
    assert len(rows) == len(plans)
    for plan, row in rows.items():
        group = group_of[plan]
        assert row.claim is None, group
        if group in ("always-503", "refused"):
            assert (row.state, row.attempts) == ("failed", 3), group
            assert row.last_error and delivered[plan] == 0, group
        else:
            assert row.state == "sent" and delivered[plan] >= 1, group
            if group == "slow":  # the timed-out request did reach the push service
                assert delivered[plan] >= 2, group
    assert (
        "ClientConnectorError"
        in next(r for p, r in rows.items() if group_of[p] == "refused").last_error
    )
