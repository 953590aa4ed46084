"""Push reminders end to end on 127.0.0.1: real page, real sender, loopback push service.

A real Chromium page turns reminders on through the "Remind me" form. Chromium cannot
reach a real push service here, so ``PushManager.prototype.subscribe``/``getSubscription``
are replaced (before any page script runs) by ones that return a subscription to the
loopback push service (tests/pushservice.py), which made its keys. The sender then
delivers: the push service checks the VAPID JWT and decrypts the message with the
subscription's private key; the decrypted payload is asserted, and handed to the page's
service worker through the DevTools protocol (``ServiceWorker.deliverPushMessage``), which must
show it as a notification. A 429 with ``Retry-After`` is retried on a later run; a 410
deletes the subscription and its plan.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time

import pytest
from pushservice import Answer

from webapp import create_app
from webapp.push.schedule import next_working_day

from .conftest import SW_TIMEOUT_MS, open_form, wait_controlled

pytestmark = pytest.mark.browser

GUIDE = "/en/azercell/"
TIMEZONE = "Asia/Baku"
#: Upper bound for one sender run (a 429 with a short Retry-After waits inside it).
SEND_TIMEOUT = 30.0


# -- the app and the push service --------------------------------------------------------


@pytest.fixture(scope="module")
def push_app(site, push_server, tmp_path_factory):
    """The built site (not rebuilt) on its own database, allowing the loopback push service."""
    from flask_migrate import upgrade

    from webapp.db import db

    tmp = tmp_path_factory.mktemp("push-e2e")
    app = create_app(
        {
            "TESTING": True,
            "BUILD_DIR": site.dir,
            "BUILD_ON_START": False,
            "INSTANCE_PATH": str(tmp / "instance"),
            "DATABASE_URL": f"sqlite:///{tmp / 'simexit.sqlite3'}",
            "PUSH_SERVICES": push_server.origin,
            "VAPID_SUBJECT": "mailto:tests@simexit.invalid",
        }
    )
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture
def server(live_server, push_app):
    """The live server, serving ``push_app`` for this test."""
    with live_server.serving(push_app):
        yield live_server


#: Replaces the browser's push subscription with the test's (``%s``: its toJSON() value).
FAKE_PUSH = """
(() => {
  const json = %s;
  const flag = 'simexit-test-subscribed';
  const make = () => ({
    endpoint: json.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: null },
    getKey: () => null,
    toJSON: () => JSON.parse(JSON.stringify(json)),
    unsubscribe: () => { localStorage.removeItem(flag); return Promise.resolve(true); }
  });
  window.__pushSubscribeCalls = [];
  PushManager.prototype.subscribe = function (options) {
    const key = options && options.applicationServerKey;
    window.__pushSubscribeCalls.push({ userVisibleOnly: options && options.userVisibleOnly,
      keyLength: key ? key.byteLength : 0 });
    localStorage.setItem(flag, '1');
    return Promise.resolve(make());
  };
  PushManager.prototype.getSubscription = function () {
    return Promise.resolve(localStorage.getItem(flag) ? make() : null);
  };
})();
"""


def send(app, now: dt.datetime):
    """One sender run at ``now``, in a thread (Playwright's loop holds this one)."""
    from webapp.push import sender

    result = {}

    def run():
        try:
            with app.app_context():
                result["stats"] = sender.run_once(now=now)
        except BaseException as e:  # noqa: BLE001 - re-raised in the test's thread
            result["error"] = e

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(SEND_TIMEOUT)
    assert not thread.is_alive(), "the sender did not finish"
    if "error" in result:
        raise result["error"]
    return result["stats"]


def closing_day() -> dt.date:
    """A working day (no weekend or holiday note to click past) ten or more days ahead: every
    reminder of its plan is in the future."""
    return next_working_day(dt.date.today() + dt.timedelta(days=10))


def due(plan: dict, kind: str) -> dt.datetime:
    text = next(r["due"] for r in plan["reminders"] if r["kind"] == kind)
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


# -- page helpers ------------------------------------------------------------------------


STORED_STATE = """() => caches.open('simexit-state').then((c) => c.match('/__simexit/plan'))
    .then((r) => (r ? r.json() : null))"""

API_GET = """async (state) => {
    const r = await fetch('/api/reminders/' + encodeURIComponent(state.id),
                          { headers: { Authorization: 'Bearer ' + state.token } });
    return { status: r.status, body: r.ok ? await r.json() : null };
}"""

NOTIFICATIONS = """() => navigator.serviceWorker.ready.then((r) => r.getNotifications())
    .then((ns) => ns.map((n) => ({ title: n.title, body: n.body, tag: n.tag, lang: n.lang,
                                    data: n.data })))"""


def api_get(page, state) -> dict:
    return page.evaluate(API_GET, state)


def registration_id(cdp, page, scope: str) -> str:
    """The id of the service worker registration for ``scope``, from ``ServiceWorker`` events."""
    registrations: dict[str, dict] = {}

    def updated(event):
        for r in event["registrations"]:
            registrations[r["scopeURL"]] = r

    cdp.on("ServiceWorker.workerRegistrationUpdated", updated)
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + SW_TIMEOUT_MS / 1000
    while scope not in registrations and time.monotonic() < deadline:
        page.wait_for_timeout(50)  # lets Playwright dispatch the protocol events
    assert scope in registrations, f"no registration for {scope}: {list(registrations)}"
    assert not registrations[scope].get("isDeleted")
    return registrations[scope]["registrationId"]


def wait_notification(page, tag: str, timeout: float = 30.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        shown = page.evaluate(NOTIFICATIONS)
        if any(n["tag"] == tag for n in shown) or time.monotonic() > deadline:
            return shown
        page.wait_for_timeout(100)


# -- the test ------------------------------------------------------------------------------


def test_reminder_is_subscribed_sent_decrypted_and_shown(browser, server, push_app, push_service):
    subscription = push_service.subscribe()  # its keys stay with the push service
    context = browser.new_context(base_url=server.url, timezone_id=TIMEZONE, locale="en-GB")
    try:
        context.set_default_timeout(SW_TIMEOUT_MS)
        context.grant_permissions(["notifications"], origin=server.url)
        context.add_init_script(FAKE_PUSH % json.dumps(subscription))
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))

        # -- subscribe through the real form ------------------------------------------
        open_form(page, GUIDE)
        wait_controlled(page)
        day = closing_day()
        page.fill("[data-remind-date]", day.isoformat())
        page.click("[data-remind-subscribe]")
        page.wait_for_selector("[data-module=remind][data-plan]", state="attached")
        items = page.locator("[data-remind-list] > li")
        assert items.count() == 4
        assert page.locator("[data-remind-message]").text_content() == ""
        assert page.evaluate("() => window.__pushSubscribeCalls") == [
            {"userVisibleOnly": True, "keyLength": 65}
        ]

        state = page.evaluate(STORED_STATE)
        assert state["endpoint"] == subscription["endpoint"]
        stored = api_get(page, state)
        assert stored["status"] == 200
        plan = stored["body"]
        assert plan["id"] == state["id"]
        assert [r["kind"] for r in plan["reminders"]] == ["unbind", "prepare", "close", "verify"]
        assert {r["state"] for r in plan["reminders"]} == {"pending"}
        assert due(plan, "unbind") > dt.datetime.now(dt.UTC)
        # The list shows the same four reminders the server stored, in the page's language.
        assert "Unbind banks" in items.nth(0).text_content()

        # -- the first reminder: delivered, signed, encrypted, shown -------------------
        stats = send(push_app, due(plan, "unbind"))
        assert (stats.sent, stats.failed, stats.unsubscribed) == (1, 0, 0), stats.summary()
        assert push_service.rejected == []
        [message] = push_service.delivered(subscription)
        key = page.evaluate("() => fetch('/api/push/key').then((r) => r.json())")["publicKey"]
        assert message.vapid_key == key
        payload = message.payload  # decrypted with the subscription's private key and auth secret
        note = payload["notification"]
        assert payload["web_push"] == 8030
        assert note["title"] == "3 days left: unbind your number"
        assert "two-factor" in note["body"]
        assert note["tag"] == "simexit-unbind"
        assert note["navigate"] == "/en/aftercare/"
        assert note["lang"] == "en"
        assert note["data"] == {"plan": plan["id"], "kind": "unbind"}

        cdp = context.new_cdp_session(page)
        # What the worker went through, for the failure message if no notification shows.
        worker_events: list[str] = []
        cdp.on(
            "ServiceWorker.workerErrorReported",
            lambda e: worker_events.append(f"error {e['errorMessage']}"),
        )
        cdp.on(
            "ServiceWorker.workerVersionUpdated",
            lambda e: worker_events.extend(
                f"version {v['registrationId']}/{v['versionId']}"
                f" {v['status']} {v['runningStatus']}"
                for v in e["versions"]
            ),
        )
        try:
            registration = registration_id(cdp, page, server.url + "/")
            assert page.evaluate(NOTIFICATIONS) == []
            cdp.send(
                "ServiceWorker.deliverPushMessage",
                {
                    "origin": server.url,
                    "registrationId": registration,
                    "data": json.dumps(payload),
                },
            )
            shown = wait_notification(page, "simexit-unbind")
        finally:
            cdp.detach()
        assert [n["tag"] for n in shown] == ["simexit-unbind"], (
            f"pushed to registration {registration}; worker: {worker_events}"
        )
        [notification] = shown
        assert notification["title"] == note["title"]
        assert notification["body"] == note["body"]
        assert notification["lang"] == "en"
        assert notification["data"]["navigate"] == "/en/aftercare/"
        assert notification["data"]["plan"] == plan["id"]
        assert notification["data"]["kind"] == "unbind"
        assert api_get(page, state)["body"]["reminders"][0]["state"] == "sent"

        # -- "Done" through its link (what the worker opens when it cannot mark it) ------
        [done_link] = [a["navigate"] for a in note["actions"] if a["action"] == "done"]
        assert done_link == "/en/azercell/?done=unbind#remind"
        page.goto(done_link)
        page.wait_for_function("() => location.search === ''")  # marked, then taken off the URL
        assert page.url.endswith("/en/azercell/#remind")
        assert "(done)" in items.nth(0).text_content()
        top = page.evaluate("() => document.getElementById('remind').getBoundingClientRect().top")
        assert abs(top) <= 2  # the page opened at the reminders
        assert api_get(page, state)["body"]["reminders"][0]["state"] == "done"

        # -- 429 with Retry-After: rescheduled, then delivered on a later run ----------
        push_service.script(subscription, Answer(429, retry_after="60"))
        now = due(plan, "prepare")
        stats = send(push_app, now)
        assert (stats.sent, stats.rescheduled) == (0, 1), stats.summary()
        assert send(push_app, now + dt.timedelta(seconds=30)).sent == 0  # Retry-After not over
        assert send(push_app, now + dt.timedelta(seconds=61)).sent == 1
        statuses = [(m.status, m.payload["notification"]["tag"]) for m in push_service.messages]
        assert statuses == [
            (201, "simexit-unbind"),
            (429, "simexit-prepare"),
            (201, "simexit-prepare"),
        ]
        assert [r["state"] for r in api_get(page, state)["body"]["reminders"]] == [
            "done",
            "sent",
            "pending",
            "pending",
        ]

        # -- 410: the subscription and its plan are deleted ----------------------------
        push_service.script(subscription, 410)
        stats = send(push_app, due(plan, "close"))
        assert stats.unsubscribed == 1, stats.summary()
        assert push_service.messages[-1].status == 410
        assert api_get(page, state)["status"] == 404
        import sqlalchemy as sa

        from webapp.db import db

        with push_app.app_context():
            for table in ("subscription", "plan", "reminder"):
                assert db.session.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() == 0
            db.session.remove()
        # On the next visit the page forgets the plan the server no longer has.
        page.reload()
        deadline = time.monotonic() + 10
        while page.evaluate(STORED_STATE) is not None and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        assert page.evaluate(STORED_STATE) is None
        assert page.locator("[data-module=remind][data-plan]").count() == 0
        assert errors == []
    finally:
        context.close()
