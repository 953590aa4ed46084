"""The reminders API: plans, tokens, preview, and every bad input rejected without a change."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest

from webapp import api

pytestmark = pytest.mark.usefixtures("schema")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def in_days(n: int) -> str:
    return (dt.date.today() + dt.timedelta(days=n)).isoformat()


def assert_error(response, status=400):
    assert response.status_code == status
    assert set(response.get_json()) == {"error", "message"}
    return response.get_json()


# --- the VAPID key ---------------------------------------------------------------------------


def test_push_key_is_an_uncompressed_p256_point(client):
    response = client.get("/api/push/key")
    raw = base64.urlsafe_b64decode(response.get_json()["publicKey"] + "==")
    assert response.status_code == 200
    assert len(raw) == 65 and raw[0] == 4


# --- creating, reading, replacing ------------------------------------------------------------


def test_create_returns_the_plan_with_a_token(reminders):
    response = reminders.create(date=in_days(10))
    plan = response.get_json()
    assert response.status_code == 201
    assert response.headers["Location"] == f"/api/reminders/{plan['id']}"
    assert response.headers["Cache-Control"] == "no-store"
    assert len(plan["token"]) >= 40
    assert [r["kind"] for r in plan["reminders"]] == ["unbind", "prepare", "close", "verify"]
    assert all(r["due"].endswith("Z") and r["state"] == "pending" for r in plan["reminders"])
    assert plan["operator"] == "azercell" and plan["timezone"] == "Asia/Baku"
    assert "ok" in plan["working_day"]


def test_token_is_stored_only_hashed(reminders):
    plan = reminders.create().get_json()
    stored = reminders.snapshot()
    assert plan["token"] not in repr(stored)


def test_late_plan_starts_with_what_is_ahead(reminders):
    plan = reminders.create(date=in_days(1)).get_json()
    kinds = [r["kind"] for r in plan["reminders"]]
    assert "unbind" not in kinds and "verify" in kinds


def test_same_endpoint_again_replaces_its_plan(reminders, push_service):
    sub = push_service.subscribe()
    first = reminders.create(reminders.body(sub, operator="nar")).get_json()
    second = reminders.create(reminders.body(sub, operator="bakcell")).get_json()
    assert reminders.get(first).status_code == 404
    assert reminders.get(second).get_json()["operator"] == "bakcell"
    stored = reminders.snapshot()
    assert (len(stored["subscription"]), len(stored["plan"]), len(stored["reminder"])) == (1, 1, 4)


def test_get_with_the_token(reminders):
    plan = reminders.create().get_json()
    response = reminders.get(plan)
    assert response.status_code == 200
    assert response.get_json()["id"] == plan["id"] and "token" not in response.get_json()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
)
def test_wrong_or_missing_token_is_404(reminders, client, headers):
    plan = reminders.create().get_json()
    url = f"/api/reminders/{plan['id']}"
    for method, path in [("get", url), ("delete", url), ("post", url + "/done/close")]:
        assert_error(getattr(client, method)(path, headers=headers), 404)
    assert_error(client.put(url + "/subscription", headers=headers, json={}), 404)
    assert reminders.get(plan).status_code == 200


def test_another_plans_token_is_404(reminders):
    one, other = reminders.create().get_json(), reminders.create().get_json()
    assert reminders.get({"id": one["id"], "token": other["token"]}).status_code == 404


def test_delete(reminders):
    plan = reminders.create().get_json()
    assert reminders.delete(plan).status_code == 204
    assert reminders.get(plan).status_code == 404
    assert reminders.snapshot() == {"subscription": [], "plan": [], "reminder": []}


def test_mark_done_stops_that_reminder(reminders):
    plan = reminders.create().get_json()
    response = reminders.done(plan, "prepare")
    states = {r["kind"]: r["state"] for r in response.get_json()["reminders"]}
    assert response.status_code == 200
    assert states == {
        "unbind": "pending",
        "prepare": "done",
        "close": "pending",
        "verify": "pending",
    }


def test_mark_done_unknown_kind_is_404(reminders):
    plan = reminders.create().get_json()
    assert_error(reminders.done(plan, "dance"), 404)


def test_move_plan_to_a_new_subscription(reminders, push_service):
    plan = reminders.create().get_json()
    new = push_service.subscribe()
    response = reminders.move(plan, new)
    assert response.status_code == 200
    stored = reminders.snapshot()
    assert [row.endpoint for row in stored["subscription"]] == [new["endpoint"]]
    assert len(stored["plan"]) == 1 and len(stored["reminder"]) == 4


def test_move_to_an_endpoint_that_has_another_plan_replaces_it(reminders, push_service):
    plan = reminders.create().get_json()
    taken = push_service.subscribe()
    other = reminders.create(reminders.body(taken)).get_json()
    assert reminders.move(plan, taken).status_code == 200
    assert reminders.get(other).status_code == 404
    assert len(reminders.snapshot()["plan"]) == 1


# --- preview ---------------------------------------------------------------------------------


def test_preview_warns_about_a_holiday_and_suggests_a_working_day(client, reminders, monkeypatch):
    monkeypatch.setattr(api, "utcnow", lambda: dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC))
    response = client.get("/api/plan-preview?operator=nar&date=2026-03-20&timezone=Asia/Baku")
    data = response.get_json()
    assert response.status_code == 200
    assert data["working_day"] == {
        "ok": False,
        "reason": "holiday",
        "holiday": "Eid al-Fitr; Spring Festival",
        "suggested": "2026-03-31",
    }
    assert [r["kind"] for r in data["reminders"]] == ["unbind", "prepare", "close", "verify"]
    assert reminders.snapshot() == {"subscription": [], "plan": [], "reminder": []}


def test_preview_weekend(client, monkeypatch):
    monkeypatch.setattr(api, "utcnow", lambda: dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC))
    data = client.get("/api/plan-preview?operator=nar&date=2026-06-14&timezone=UTC").get_json()
    assert data["working_day"] == {
        "ok": False,
        "reason": "weekend",
        "holiday": None,
        "suggested": "2026-06-16",
    }


@pytest.mark.parametrize(
    "query",
    [
        "operator=nar&date=2026-06-14",  # missing timezone
        "operator=nar&date=2026-06-14&timezone=UTC&extra=1",
        "operator=naxtel&date=2026-06-14&timezone=UTC",
        "operator=nar&date=14.06.2026&timezone=UTC",
        "operator=nar&date=2026-06-14&timezone=Mars/Olympus",
    ],
)
def test_preview_bad_input(client, query, monkeypatch):
    monkeypatch.setattr(api, "utcnow", lambda: dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC))
    assert_error(client.get(f"/api/plan-preview?{query}"))


# --- every bad input: 400, and nothing stored changes ----------------------------------------


def _not_on_curve() -> str:
    return b64(b"\x04" + b"\x01" * 64)


def _sub(push_service, **changes):
    sub = push_service.subscribe()
    for key, value in changes.items():
        if key in ("p256dh", "auth", "extra_key"):
            sub["keys"][key if key != "extra_key" else "other"] = value
        else:
            sub[key] = value
    return sub


BAD_BODIES = {
    "unknown field": lambda r, p: r.body(admin=True),
    "missing field": lambda r, p: {k: v for k, v in r.body().items() if k != "timezone"},
    "subscription not an object": lambda r, p: r.body(subscription="https://x"),
    "unknown subscription field": lambda r, p: r.body(_sub(p, extra=1)),
    "unknown keys field": lambda r, p: r.body(_sub(p, extra_key="x")),
    "keys not an object": lambda r, p: r.body(_sub(p, keys=["a"])),
    "missing keys": lambda r, p: r.body({"endpoint": p.subscribe()["endpoint"]}),
    "endpoint not a string": lambda r, p: r.body(_sub(p, endpoint=42)),
    "endpoint outside allow-list": lambda r, p: r.body(_sub(p, endpoint="https://evil.example/p")),
    "endpoint internal address": lambda r, p: r.body(
        _sub(p, endpoint="http://169.254.169.254/latest/meta-data")
    ),
    "endpoint other port": lambda r, p: r.body(_sub(p, endpoint="http://127.0.0.1:1/push/x")),
    "endpoint with user info": lambda r, p: r.body(
        _sub(p, endpoint=p.origin.replace("http://", "http://user@") + "/push/x")
    ),
    "endpoint too long": lambda r, p: r.body(_sub(p, endpoint=p.origin + "/" + "a" * 3000)),
    "expirationTime not a number": lambda r, p: r.body(_sub(p, expirationTime="soon")),
    "p256dh not base64url": lambda r, p: r.body(_sub(p, p256dh="not base64!")),
    "p256dh wrong length": lambda r, p: r.body(_sub(p, p256dh=b64(b"\x04" + b"\x01" * 63))),
    "p256dh not on the curve": lambda r, p: r.body(_sub(p, p256dh=_not_on_curve())),
    "p256dh not a string": lambda r, p: r.body(_sub(p, p256dh=123)),
    "auth 15 bytes": lambda r, p: r.body(_sub(p, auth=b64(b"a" * 15))),
    "auth 17 bytes": lambda r, p: r.body(_sub(p, auth=b64(b"a" * 17))),
    "unknown locale": lambda r, p: r.body(locale="fr"),
    "locale not a string": lambda r, p: r.body(locale=["en"]),
    "unknown operator": lambda r, p: r.body(operator="naxtel"),
    "unknown time zone": lambda r, p: r.body(timezone="Mars/Olympus"),
    "time zone path": lambda r, p: r.body(timezone="../../etc/passwd"),
    "date not a date": lambda r, p: r.body(date="tomorrow"),
    "date impossible": lambda r, p: r.body(date="2026-02-30"),
    "date not a string": lambda r, p: r.body(date=20260601),
    "date more than a year away": lambda r, p: r.body(date=in_days(400)),
    "date in the past": lambda r, p: r.body(date=in_days(-5)),
    "body an array": lambda r, p: [r.body()],
    "body null": lambda r, p: None,
}


@pytest.mark.parametrize("case", BAD_BODIES)
def test_bad_plan_is_rejected_and_nothing_changes(reminders, client, push_service, case):
    existing = reminders.create().get_json()
    before = reminders.snapshot()
    body = BAD_BODIES[case](reminders, push_service)
    response = client.post(
        "/api/reminders", data=json.dumps(body), content_type="application/json"
    )
    assert assert_error(response)["error"] == "bad_request"
    assert reminders.snapshot() == before
    assert reminders.get(existing).status_code == 200


@pytest.mark.parametrize(
    "data, content_type",
    [
        ("{not json", "application/json"),
        ("locale=en", "application/x-www-form-urlencoded"),
        ("", "application/json"),
    ],
)
def test_body_that_is_not_json_is_rejected(reminders, client, data, content_type):
    before = reminders.snapshot()
    assert_error(client.post("/api/reminders", data=data, content_type=content_type))
    assert reminders.snapshot() == before


def test_body_over_the_size_limit_is_rejected(reminders, client):
    before = reminders.snapshot()
    body = reminders.body(locale="x" * 10_000)
    response = client.post("/api/reminders", json=body)
    assert assert_error(response, 413)["error"] == "request_entity_too_large"
    assert reminders.snapshot() == before


@pytest.mark.parametrize(
    "case",
    [
        "endpoint outside allow-list",
        "p256dh not on the curve",
        "auth 15 bytes",
        "unknown subscription field",
    ],
)
def test_bad_move_is_rejected_and_nothing_changes(reminders, push_service, case):
    plan = reminders.create().get_json()
    before = reminders.snapshot()
    bad = BAD_BODIES[case](reminders, push_service)["subscription"]
    assert_error(reminders.move(plan, bad))
    assert reminders.snapshot() == before


# --- the error shape -------------------------------------------------------------------------


def test_unknown_api_path_answers_json(client):
    assert assert_error(client.get("/api/nothing"), 404)["error"] == "not_found"


def test_wrong_method_answers_json_with_allow(client):
    response = client.get("/api/reminders")
    assert assert_error(response, 405)["error"] == "method_not_allowed"
    assert "POST" in response.headers["Allow"]
