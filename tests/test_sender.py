"""Sending: end to end through the loopback push service, responses, retries, claims, cleanup."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import email.utils
import gc
import json
import logging
import time

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from pushservice import Answer

from webapp import i18n, push
from webapp.db import db
from webapp.push import messages, models, plans, queue, sender

pytestmark = pytest.mark.usefixtures("schema")

MINUTE = dt.timedelta(minutes=1)


def in_days(n: int) -> str:
    return (dt.date.today() + dt.timedelta(days=n)).isoformat()


def due(plan: dict, kind: str) -> dt.datetime:
    text = next(r["due"] for r in plan["reminders"] if r["kind"] == kind)
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def send(runner, now: dt.datetime) -> str:
    result = runner.invoke(args=["reminders", "send", "--now", now.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def states(reminders, plan) -> dict:
    return {r["kind"]: r["state"] for r in reminders.get(plan).get_json()["reminders"]}


@pytest.fixture
def plan(reminders, push_service):
    """A plan ten days ahead, on a fresh loopback subscription (``plan["sub"]``)."""
    sub = push_service.subscribe()
    data = reminders.create(reminders.body(sub, date=in_days(10))).get_json()
    data["sub"] = sub
    return data


def run_with(app, now, **changes):
    """One run with some push settings changed (timeouts, retry limits…)."""
    with app.app_context():
        config = dataclasses.replace(push.settings(), **changes)
        one = sender.Sender(key=push.vapid_key(), config=config)
        return sender.run_once(now=now, sender=one)


# --- end to end ------------------------------------------------------------------------------


def test_due_reminder_is_delivered_signed_and_encrypted(client, runner, plan, push_service):
    output = send(runner, due(plan, "unbind"))
    [message] = push_service.delivered()
    assert "sent 1" in output and push_service.rejected == []
    assert message.vapid_key == client.get("/api/push/key").get_json()["publicKey"]
    note = message.payload["notification"]
    assert message.payload["web_push"] == 8030
    assert note["title"] == "3 days left: unbind your number"
    assert "two-factor" in note["body"]
    assert note["navigate"] == "/en/aftercare/"
    assert (note["lang"], note["tag"]) == ("en", "simexit-unbind")
    assert [a["action"] for a in note["actions"]] == ["open", "done"]
    assert note["data"] == {"plan": plan["id"], "kind": "unbind"}
    assert message.headers["urgency"] == "normal" and message.headers["topic"] == "unbind"
    assert 0 < int(message.headers["ttl"]) <= 48 * 3600


def test_each_reminder_is_sent_once(runner, plan, push_service, reminders):
    send(runner, due(plan, "unbind"))
    send(runner, due(plan, "unbind") + MINUTE)
    assert len(push_service.delivered()) == 1
    assert states(reminders, plan)["unbind"] == "sent"


@pytest.mark.parametrize(
    "kind, navigate, urgency",
    [
        ("unbind", "/en/aftercare/", "normal"),
        ("prepare", "/en/azercell/", "normal"),
        ("close", "/en/azercell/clerk/", "high"),
        ("verify", "/en/aftercare/", "normal"),
    ],
)
def test_each_reminder_links_its_page(runner, plan, push_service, kind, navigate, urgency):
    send(runner, due(plan, kind))
    message = push_service.delivered()[-1]
    assert message.payload["notification"]["navigate"] == navigate
    assert message.payload["notification"]["tag"] == f"simexit-{kind}"
    assert message.headers["urgency"] == urgency


def test_operator_name_is_in_the_day_before_reminder(runner, reminders, push_service):
    plan = reminders.create(operator="bakcell", date=in_days(10)).get_json()
    send(runner, due(plan, "prepare"))
    note = push_service.delivered()[0].payload["notification"]
    assert note["title"] == "Tomorrow: close your Bakcell number"
    assert "not refunded" in note["body"] and "passport" in note["body"]


def test_payload_is_in_the_subscribers_language(runner, reminders, push_service):
    plan = reminders.create(locale="zh_Hans", operator="nar", date=in_days(10)).get_json()
    send(runner, due(plan, "close"))
    note = push_service.delivered()[0].payload["notification"]
    assert note["lang"] == "zh-Hans"
    assert note["navigate"] == "/zh-hans/nar/clerk/"


def test_many_subscriptions_are_sent_in_one_run(runner, reminders, push_service):
    plans = [reminders.create(date=in_days(10)).get_json() for _ in range(30)]
    output = send(runner, due(plans[0], "unbind") + MINUTE)
    assert "sent 30" in output
    assert len({m.subscription for m in push_service.delivered()}) == 30


# --- push service responses ------------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410])
def test_gone_subscription_is_deleted_with_its_plan(runner, plan, push_service, reminders, status):
    push_service.script(plan["sub"], status)
    assert "unsubscribed 1" in send(runner, due(plan, "unbind"))
    assert reminders.get(plan).status_code == 404
    assert reminders.snapshot() == {"subscription": [], "plan": [], "reminder": []}


def test_429_is_retried_after_retry_after(runner, plan, push_service, reminders):
    push_service.script(plan["sub"], Answer(429, retry_after="1"))
    started = time.monotonic()
    assert "sent 1" in send(runner, due(plan, "unbind"))
    assert time.monotonic() - started >= 1.0
    assert [m.status for m in push_service.messages] == [429, 201]
    assert states(reminders, plan)["unbind"] == "sent"


def test_long_retry_after_is_rescheduled_not_waited(app, runner, plan, push_service):
    retry_at = email.utils.format_datetime(
        dt.datetime.now(dt.UTC) + dt.timedelta(hours=1), usegmt=True
    )
    push_service.script(plan["sub"], Answer(503, retry_after=retry_at))
    now = due(plan, "unbind")
    assert "rescheduled 1" in send(runner, now)
    with app.app_context():
        reminder = db.session.execute(
            sa.select(models.Reminder).where(models.Reminder.kind == "unbind")
        ).scalar_one()
        assert reminder.state == "pending" and reminder.attempts == 1
        assert reminder.next_attempt_at >= now + dt.timedelta(minutes=55)
    assert "sent 1" in send(runner, now + dt.timedelta(hours=1))


def test_500_is_retried_later_with_backoff(runner, plan, push_service, reminders):
    push_service.script(plan["sub"], 500)
    now = due(plan, "unbind")
    assert "rescheduled 1" in send(runner, now)
    assert "sent 0" in send(runner, now + dt.timedelta(seconds=10))  # backoff not over
    assert "sent 1" in send(runner, now + dt.timedelta(seconds=31))
    assert states(reminders, plan)["unbind"] == "sent"


def test_transient_errors_up_to_the_limit_then_failed(app, plan, push_service, reminders):
    push_service.script(plan["sub"], 500, 502, 500)
    stats = run_with(app, due(plan, "unbind"), max_attempts=3, retry_base=0.01)
    assert (stats.sent, stats.failed) == (0, 1)
    assert len(push_service.messages) == 3
    assert states(reminders, plan)["unbind"] == "failed"


def test_slow_push_service_times_out_and_is_retried(app, plan, push_service, reminders):
    push_service.script(plan["sub"], Answer(201, delay=1.5))
    stats = run_with(app, due(plan, "unbind"), timeout=0.5, retry_base=0.01)
    assert stats.sent == 1
    for _ in range(40):  # let the slow answer finish (the push service did get that one)
        if len(push_service.messages) == 2:
            break
        time.sleep(0.1)
    assert [m.status for m in push_service.messages] == [201, 201]
    assert states(reminders, plan)["unbind"] == "sent"


def test_connection_refused_is_retried_then_failed(app, plan):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    with app.app_context():
        config = dataclasses.replace(
            push.settings(), services=(closed,), retry_base=0.01, max_attempts=2
        )
        one = sender.Sender(key=push.vapid_key(), config=config)
        item = queue.Due(
            1,
            "c",
            "unbind",
            due(plan, "unbind"),
            0,
            plan["id"],
            "en",
            "nar",
            1,
            f"{closed}/push/x",
            plan["sub"]["keys"]["p256dh"],
            plan["sub"]["keys"]["auth"],
        )

        async def deliver():
            import aiohttp

            async with aiohttp.ClientSession() as session:
                return await one.deliver(session, item, item.due, asyncio.Semaphore(1))

        outcome = asyncio.run(deliver())
    assert (outcome.state, outcome.attempts) == ("failed", 2)
    assert "ClientConnectorError" in outcome.error


def test_413_is_logged_as_a_bug(runner, plan, push_service, reminders, caplog):
    push_service.script(plan["sub"], 413)
    send(runner, due(plan, "unbind"))
    assert "payload too large" in caplog.text and "a bug" in caplog.text
    assert states(reminders, plan)["unbind"] == "failed"


def test_endpoint_no_longer_allowed_is_not_contacted(app, plan, push_service):
    stats = run_with(app, due(plan, "unbind"), services=("https://fcm.googleapis.com",))
    assert stats.failed == 1 and push_service.messages == []


def test_a_bug_in_sending_stops_the_run_instead_of_hiding(app, plan, push_service, monkeypatch):
    """An exception that is not a push service's answer is a bug: the run raises it (the
    claims then expire and another run sends), never records a reminder it did not send."""

    async def broken(self, session, due, now, limit):
        raise RuntimeError("a bug in deliver")

    monkeypatch.setattr(sender.Sender, "deliver", broken)
    with pytest.raises(RuntimeError, match="a bug in deliver"):
        run_with(app, due(plan, "close"))
    assert push_service.messages == []


def test_more_reminders_than_requests_in_flight_are_all_sent(app, reminders, push_service):
    """A batch larger than the number of requests in flight is sent whole, each once."""
    plans = [
        reminders.create(reminders.body(push_service.subscribe(), date=in_days(10))).get_json()
        for _ in range(5)
    ]
    stats = run_with(app, due(plans[0], "unbind"), concurrency=2, batch_size=3)
    assert stats.sent == 5 and len(push_service.delivered()) == 5


# --- plan state ------------------------------------------------------------------------------


def test_done_reminder_is_not_sent(runner, plan, push_service, reminders):
    reminders.done(plan, "unbind")
    send(runner, due(plan, "unbind"))
    assert push_service.messages == []


def test_stale_reminder_expires_instead_of_being_sent(runner, plan, push_service, reminders):
    output = send(runner, due(plan, "close") + dt.timedelta(hours=9))
    assert "expired 3" in output  # unbind, prepare and close are all too late now
    assert push_service.messages == []
    assert states(reminders, plan) == {
        "unbind": "expired",
        "prepare": "expired",
        "close": "expired",
        "verify": "pending",
    }


def test_plans_are_deleted_a_few_days_after_the_last_reminder(runner, plan, reminders):
    send(runner, due(plan, "verify"))
    assert reminders.get(plan).status_code == 200
    send(runner, due(plan, "verify") + plans.RETENTION + MINUTE)
    assert reminders.snapshot() == {"subscription": [], "plan": [], "reminder": []}


# --- claims ----------------------------------------------------------------------------------


def test_claims_never_overlap_and_expire_after_the_lease(app, reminders):
    for _ in range(3):
        reminders.create(date=in_days(10))
    with app.app_context():
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
        lease = dt.timedelta(minutes=5)
        first = queue.claim_due(later, limit=5, lease=lease)
        second = queue.claim_due(later, limit=100, lease=lease)
        assert len(first) == 5 and len(second) == 7
        assert not {d.id for d in first} & {d.id for d in second}
        assert queue.claim_due(later, limit=100, lease=lease) == []
        # The sender holding ``first`` died: after the lease its reminders are claimed again.
        after_lease = dt.datetime.now(dt.UTC) + lease + MINUTE
        again = queue.claim_due(later, limit=100, lease=lease, wall_now=after_lease)
        assert {d.id for d in again} == {d.id for d in first} | {d.id for d in second}


def test_an_overtaken_sender_does_not_overwrite_the_new_claim(app, reminders):
    reminders.create(date=in_days(10))
    with app.app_context():
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
        lease = dt.timedelta(minutes=5)
        [old, *_] = queue.claim_due(later, limit=1, lease=lease)
        [new] = queue.claim_due(
            later, limit=1, lease=lease, wall_now=dt.datetime.now(dt.UTC) + lease + MINUTE
        )
        assert new.id == old.id
        queue.record([queue.Outcome(old, models.FAILED, 1)], later)
        assert db.session.get(models.Reminder, old.id).state == "pending"
        queue.record([queue.Outcome(new, models.SENT, 1, 201)], later)
        db.session.expire_all()
        assert db.session.get(models.Reminder, old.id).state == "sent"


# --- parts -----------------------------------------------------------------------------------


def test_vapid_header_is_signed_once_per_origin_while_valid(app):
    clock = [1_000_000.0]
    with app.app_context():
        one = sender.Sender(key=push.vapid_key(), config=push.settings(), clock=lambda: clock[0])
        a = one.vapid_header("https://fcm.googleapis.com")
        assert one.vapid_header("https://fcm.googleapis.com") is a
        assert one.vapid_header("https://web.push.apple.com") != a
        clock[0] += sender.VAPID_LIFETIME - sender.VAPID_REFRESH_MARGIN + 1
        assert one.vapid_header("https://fcm.googleapis.com") != a


def test_worker_runs_and_stops(runner, plan, push_service, app):
    result = runner.invoke(args=["reminders", "worker", "--runs", "1"])
    assert result.exit_code == 0, result.output
    assert push_service.messages == []  # nothing due yet, in real time
    # The worker set its process up for many short-lived objects (settle_memory).
    assert gc.get_threshold()[0] == sender.YOUNG_GC_THRESHOLD
    assert gc.get_freeze_count() > 0


@pytest.mark.parametrize("locale", i18n.LOCALES)
def test_notifications_are_in_each_language_and_its_direction(app, locale):
    """Every language's own texts, tagged with its language and direction (Arabic and
    Persian right to left), and a link to a page of that language."""
    code = i18n.LANG_CODES[locale]
    with app.test_request_context():
        for kind in ("unbind", "prepare", "close", "verify"):
            note = json.loads(messages.rendered(kind, "nar", locale))
            with force_locale(locale):
                title, body = messages._texts(kind, "nar")
            assert (note["title"], note["body"]) == (title, body)
            assert note["lang"] == i18n.HTML_LANG[code]
            assert note["dir"] == ("rtl" if code in ("ar", "fa") else "ltr")
            assert note["navigate"].startswith(f"/{code}/")
            assert all(a["navigate"].startswith(f"/{code}/") for a in note["actions"])


@pytest.mark.parametrize("locale", i18n.LOCALES)
@pytest.mark.parametrize("operator", ["azercell", "bakcell", "nar"])
def test_every_payload_is_under_3_kb(app, locale, operator):
    with app.app_context():
        for kind in ("unbind", "prepare", "close", "verify"):
            data = messages.payload(
                kind=kind,
                operator=operator,
                locale=locale,
                plan_id="x" * 22,
                due=dt.datetime.now(dt.UTC),
                public_url="https://simexit.example",
            )
            assert len(data) < messages.MAX_PAYLOAD_BYTES
            assert json.loads(data)["web_push"] == 8030


def test_sender_logs_no_endpoint_or_key(runner, plan, push_service, caplog):
    caplog.set_level(logging.DEBUG)
    push_service.script(plan["sub"], 500)
    send(runner, due(plan, "unbind"))
    assert plan["sub"]["endpoint"] not in caplog.text
    assert plan["sub"]["keys"]["auth"] not in caplog.text
