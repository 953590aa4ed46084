"""The API's edge: rate limits per client, same-origin writes, body size and type, proxies."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from appconfig import app_config
from conftest import Reminders
from werkzeug.test import EnvironBuilder, run_wsgi_app

from webapp import create_app


def in_days(n: int) -> str:
    return (dt.date.today() + dt.timedelta(days=n)).isoformat()


@pytest.fixture
def make_app(tmp_path, database, push_service):
    """``make_app(**config)``: an app like ``app``'s, with rate limits on, and its schema."""
    from flask_migrate import upgrade

    from webapp.db import db

    made = []

    def make(**config):
        app = create_app(
            app_config(
                tmp_path,
                database=database,
                push_service=push_service,
                **{"RATELIMIT_ENABLED": True, **config},
            )
        )
        with app.app_context():
            upgrade()
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


def assert_json_error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.get_json() == {"error": code, "message": response.get_json()["message"]}
    return response


def plan_session(app, client, push_service) -> list[int]:
    """What one traveller's browser does with a plan; every status code, in order."""
    r = Reminders(app, client, push_service)
    statuses = [client.get("/api/push/key").status_code]
    for operator in ("azercell", "bakcell", "nar", "azercell", "nar"):  # a few previews
        statuses.append(
            client.get(
                f"/api/plan-preview?operator={operator}&date={in_days(12)}&timezone=Asia/Baku"
            ).status_code
        )
    created = r.create(date=in_days(12))
    statuses.append(created.status_code)
    plan = created.get_json()
    statuses.append(r.get(plan).status_code)
    for kind in ("unbind", "prepare", "close", "verify"):
        statuses.append(r.done(plan, kind).status_code)
        statuses.append(r.get(plan).status_code)  # the page shows the new state
    statuses.append(r.move(plan, push_service.subscribe()).status_code)
    statuses.append(r.delete(plan).status_code)
    return statuses


# --- rate limits -----------------------------------------------------------------------------


def test_normal_use_never_hits_the_limits(make_app, push_service):
    """Three travellers behind one address (airport Wi-Fi NAT) each manage a whole plan."""
    app = make_app()
    client = app.test_client()
    for _ in range(3):
        statuses = plan_session(app, client, push_service)
        assert 429 not in statuses and set(statuses) <= {200, 201, 204}, statuses


def test_api_limit_is_enforced_with_retry_after(make_app):
    app = make_app(RATELIMIT_API="5 per minute")
    client = app.test_client()
    for _ in range(5):
        assert client.get("/api/push/key").status_code == 200
    response = client.get("/api/plan-preview?operator=nar&date=2030-01-01&timezone=UTC")
    assert_json_error(response, 429, "too_many_requests")
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert response.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_limit_is_per_client_address(make_app):
    app = make_app(RATELIMIT_API="2 per minute")
    client = app.test_client()
    for _ in range(2):
        client.get("/api/push/key")
    assert client.get("/api/push/key").status_code == 429
    other = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/api/push/key", environ_base=other).status_code == 200


def test_limit_counts_only_the_api(make_app):
    app = make_app(RATELIMIT_API="1 per minute")
    client = app.test_client()
    client.get("/api/push/key")
    for _ in range(5):
        assert client.get("/", headers={"Accept-Language": "en"}).status_code == 302
        assert client.get("/nope/", headers={"Accept": "text/html"}).status_code == 404
    assert client.get("/api/push/key").status_code == 429


def test_creating_plans_has_its_own_smaller_limit(make_app, push_service):
    app = make_app()
    client = app.test_client()
    r = Reminders(app, client, push_service)
    plans = [r.create() for _ in range(10)]
    assert {p.status_code for p in plans} == {201}
    before = r.snapshot()
    assert_json_error(r.create(), 429, "too_many_requests")
    assert r.snapshot() == before  # refused before anything is read or stored
    assert r.get(plans[0].get_json()).status_code == 200  # the rest of the API still answers


def test_limits_are_off_in_tests_unless_turned_on(tmp_path, database):
    app = create_app(app_config(tmp_path, database=database, RATELIMIT_API="1 per minute"))
    assert app.config["RATELIMIT_ENABLED"] is False
    client = app.test_client()
    assert {client.get("/api/push/key").status_code for _ in range(5)} == {200}


def test_storage_is_configurable(make_app):
    app = make_app()
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    with pytest.raises(Exception, match="nosuchstore"):
        make_app(RATELIMIT_STORAGE_URI="nosuchstore://localhost")


def test_forwarded_for_is_ignored_without_a_trusted_proxy(make_app):
    """A client cannot escape its bucket by inventing X-Forwarded-For."""
    app = make_app(RATELIMIT_API="2 per minute")
    client = app.test_client()
    for n in range(2):
        client.get("/api/push/key", headers={"X-Forwarded-For": f"198.51.100.{n}"})
    response = client.get("/api/push/key", headers={"X-Forwarded-For": "198.51.100.77"})
    assert response.status_code == 429


def test_trusted_proxy_gives_each_client_its_bucket(make_app):
    app = make_app(RATELIMIT_API="2 per minute", TRUSTED_PROXIES=1)
    client = app.test_client()
    one, two = {"X-Forwarded-For": "198.51.100.1"}, {"X-Forwarded-For": "198.51.100.2"}
    for _ in range(2):
        assert client.get("/api/push/key", headers=one).status_code == 200
    assert client.get("/api/push/key", headers=one).status_code == 429
    assert client.get("/api/push/key", headers=two).status_code == 200
    # Only the last hop counts: a client-supplied first value cannot pick a bucket.
    spoofed = {"X-Forwarded-For": "10.0.0.1, 198.51.100.1"}
    assert client.get("/api/push/key", headers=spoofed).status_code == 429


# --- same-origin writes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    ["https://evil.example", "null", "http://localhost.evil.example", "http://localhost:8080"],
)
def test_foreign_origin_cannot_write(make_app, push_service, origin):
    app = make_app(RATELIMIT_ENABLED=False)
    client = app.test_client()
    r = Reminders(app, client, push_service)
    plan = r.create().get_json()
    before = r.snapshot()
    foreign = {"Origin": origin}
    url = f"/api/reminders/{plan['id']}"
    auth = {**r.auth(plan["token"]), **foreign}
    assert_json_error(
        client.post("/api/reminders", json=r.body(), headers=foreign), 403, "forbidden"
    )
    assert_json_error(client.delete(url, headers=auth), 403, "forbidden")
    assert_json_error(client.post(url + "/done/close", headers=auth), 403, "forbidden")
    moved = client.put(
        url + "/subscription", headers=auth, json={"subscription": push_service.subscribe()}
    )
    assert_json_error(moved, 403, "forbidden")
    assert r.snapshot() == before
    # Reading is not a change (and without CORS headers the other site cannot read it).
    assert client.get(url, headers=auth).status_code == 200


@pytest.mark.parametrize(
    "origin",
    ["http://localhost", "https://localhost", "HTTP://LOCALHOST", "https://simexit.example", None],
)
def test_own_origin_or_none_may_write(make_app, push_service, origin):
    app = make_app(RATELIMIT_ENABLED=False, PUBLIC_URL="https://simexit.example/")
    client = app.test_client()
    headers = {"Origin": origin} if origin else {}
    body = Reminders(app, client, push_service).body()
    assert client.post("/api/reminders", json=body, headers=headers).status_code == 201


# --- bodies: size and type -------------------------------------------------------------------


def test_declared_body_over_the_limit_is_refused_unread(make_app):
    app = make_app(RATELIMIT_ENABLED=False)
    body = b"{" + b" " * (app.config["MAX_CONTENT_LENGTH"] + 1) + b"}"
    response = app.test_client().post("/api/reminders", data=body, content_type="application/json")
    assert_json_error(response, 413, "request_entity_too_large")


class Endless(io.RawIOBase):
    """A request body that never ends; counts what the app read of it."""

    def __init__(self):
        self.read_bytes = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        buffer[:] = b" " * len(buffer)
        self.read_bytes += len(buffer)
        return len(buffer)


def post_chunked(app, stream, *, terminated: bool):
    """POST a body without Content-Length, as a server passes on a chunked request."""
    environ = EnvironBuilder(
        path="/api/reminders", method="POST", content_type="application/json"
    ).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ.update({"wsgi.input": stream, "HTTP_TRANSFER_ENCODING": "chunked"})
    if terminated:  # gunicorn, for one, de-chunks and sets this
        environ["wsgi.input_terminated"] = True
    body, status, headers = run_wsgi_app(app, environ, buffered=True)
    return app.response_class(b"".join(body), status, headers)


def test_chunked_body_over_the_limit_is_refused(make_app):
    """No Content-Length: reading stops at the limit."""
    app = make_app(RATELIMIT_ENABLED=False)
    stream = Endless()
    assert_json_error(post_chunked(app, stream, terminated=True), 413, "request_entity_too_large")
    assert stream.read_bytes <= app.config["MAX_CONTENT_LENGTH"] + 64 * 1024


def test_chunked_body_under_the_limit_is_accepted(make_app, push_service):
    app = make_app(RATELIMIT_ENABLED=False)
    body = json.dumps(Reminders(app, app.test_client(), push_service).body()).encode()
    assert post_chunked(app, io.BytesIO(body), terminated=True).status_code == 201


def test_body_without_length_or_termination_is_not_read(make_app):
    """A server that does not mark chunked bodies: werkzeug reads nothing (never unbounded)."""
    app = make_app(RATELIMIT_ENABLED=False)
    stream = Endless()
    assert_json_error(post_chunked(app, stream, terminated=False), 400, "bad_request")
    assert stream.read_bytes == 0


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None],
)
def test_json_only_with_a_json_content_type(make_app, push_service, content_type):
    """A "simple" cross-site form or fetch (no preflight) cannot send JSON we accept."""
    app = make_app(RATELIMIT_ENABLED=False)
    r = Reminders(app, app.test_client(), push_service)
    body = json.dumps(r.body())
    kwargs = {"content_type": content_type} if content_type else {}
    response = app.test_client().post("/api/reminders", data=body, **kwargs)
    assert_json_error(response, 400, "bad_request")
    assert r.snapshot() == {"subscription": [], "plan": [], "reminder": []}


def test_json_with_charset_is_accepted(make_app, push_service):
    app = make_app(RATELIMIT_ENABLED=False)
    r = Reminders(app, app.test_client(), push_service)
    response = app.test_client().post(
        "/api/reminders", data=json.dumps(r.body()), content_type="application/json; charset=utf-8"
    )
    assert response.status_code == 201
