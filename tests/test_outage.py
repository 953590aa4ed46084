"""Database outages cost a delay, never a reminder, never a process, never a 500.

- Without a database: the API answers writes with 503, ``Retry-After`` and the usual JSON
  error; ``reminders send`` exits 1 with one line; the worker logs one line per try,
  backs off, and only a signal stops it.
- SIGTERM: the worker finishes the batch in flight and claims no other.
- With a PostgreSQL server of the test's own (``tests/pgserver.py``; the shared cluster
  stays up for the other tests), stopped and started under a running API (real HTTP, in
  a thread) and a running worker (a real process): static pages stay 200, API writes
  get 503, the worker lives on, and once the server is back every reminder that fell due
  meanwhile reaches the loopback push service exactly once, and no request fails. A fast
  restart (stop and start within a second) too. These are marked ``slow``.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
import sqlalchemy as sa
from appconfig import app_config
from conftest import in_ci
from pgserver import PostgresServer, free_port, pg_bin
from test_exactly_once import PROCESS_TIMEOUT, payload_id, sender_env

from webapp import REPO_ROOT, create_app, push
from webapp.db import db
from webapp.errors import DATABASE_RETRY_AFTER
from webapp.push import models, worker
from webapp.push.plans import RETENTION

#: Upper bound on waiting for the worker to catch up, so a hung test fails instead of hanging.
CATCH_UP_TIMEOUT = 60
#: Worker settings for these tests: poll often, back off briefly.
QUICK_WORKER = {
    "REMINDERS_POLL_SECONDS": 0.2,
    "REMINDERS_BACKOFF_FIRST": 0.05,
    "REMINDERS_BACKOFF_MAX": 0.3,
}


def unreachable_url() -> str:
    """A PostgreSQL URL on which nothing listens: every connection is refused."""
    return f"postgresql://postgres@127.0.0.1:{free_port()}/simexit"


def unreachable_env(tmp_path, push_service, **settings) -> dict:
    """The environment of a ``flask reminders`` process whose database is unreachable."""
    config = app_config(
        tmp_path,
        database=unreachable_url(),
        push_service=push_service,
        BUILD_ON_START="false",
        **settings,
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIMEXIT_")}
    env.update({f"SIMEXIT_{k}": str(v) for k, v in config.items()})
    return env


def send(env: dict) -> subprocess.CompletedProcess:
    """One ``flask reminders send`` run in ``env``, its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "webapp", "reminders", "send"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT,
    )


def plan_body(push_service) -> dict:
    return {
        "subscription": push_service.subscribe(),
        "locale": "en",
        "operator": "azercell",
        "date": (dt.date.today() + dt.timedelta(days=10)).isoformat(),
        "timezone": "Asia/Baku",
    }


def add_reminders(app, subscriptions: list[dict], due: dt.datetime) -> set[str]:
    """One ``unbind`` reminder due at ``due`` per subscription; return the plan ids."""
    plans = set()
    with app.app_context():
        for sub in subscriptions:
            plan = models.Plan(
                id=secrets.token_urlsafe(16),
                token_hash="0" * 64,
                locale="en",
                operator="azercell",
                day=due.date(),
                timezone="Asia/Baku",
                created_at=due,
                expires_at=due + RETENTION,
                subscription=models.Subscription(
                    endpoint=sub["endpoint"],
                    p256dh=sub["keys"]["p256dh"],
                    auth=sub["keys"]["auth"],
                    created_at=due,
                ),
            )
            plan.reminders = [
                models.Reminder(
                    kind="unbind",
                    due_at=due,
                    next_attempt_at=due,
                    state=models.PENDING,
                    attempts=0,
                )
            ]
            db.session.add(plan)
            plans.add(plan.id)
        db.session.commit()
    return plans


def reminder_states(app) -> dict[str, tuple[str, str | None]]:
    """``plan id -> (state, claim)`` of every reminder."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(models.Reminder.plan_id, models.Reminder.state, models.Reminder.claim)
        ).all()
        db.session.remove()
    return {plan: (state, claim) for plan, state, claim in rows}


def start_worker(env: dict, log_path) -> subprocess.Popen:
    with open(log_path, "w") as log:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "webapp", "reminders", "worker"],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )


def stop_worker(process: subprocess.Popen) -> int:
    """SIGTERM, then the exit status (a worker that does not stop is killed and fails)."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=PROCESS_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise


def wait_for(condition, what: str, timeout: float = CATCH_UP_TIMEOUT) -> None:
    """Poll ``condition`` until true; fail after ``timeout`` seconds (a hang guard, no timing)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def read(path) -> str:
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def assert_error_shape(status, headers, body, expected=503) -> None:
    assert status == expected
    assert headers["Retry-After"] == str(DATABASE_RETRY_AFTER)
    assert headers["Content-Type"] == "application/json"
    data = json.loads(body)
    assert data["error"] == "service_unavailable" and "database" in data["message"]


# --- without a database --------------------------------------------------------------------


def test_api_answers_503_with_retry_after_while_the_database_is_unreachable(
    tmp_path, push_service
):
    app = create_app(app_config(tmp_path, database=unreachable_url(), push_service=push_service))
    client = app.test_client()

    response = client.post("/api/reminders", json=plan_body(push_service))
    assert_error_shape(response.status_code, response.headers, response.get_data())
    assert response.headers["Cache-Control"] == "no-store"
    response = client.get("/api/reminders/abc", headers={"Authorization": "Bearer x"})
    assert_error_shape(response.status_code, response.headers, response.get_data())
    # What needs no database still works.
    assert client.get("/api/push/key").status_code == 200
    # Bad input is still a 400, found before the database is asked.
    assert client.post("/api/reminders", json={}).status_code == 400


@pytest.mark.slow
def test_a_database_host_that_never_answers_costs_seconds_not_minutes(tmp_path, push_service):
    """It accepts the connection and says nothing (a hung server): ``connect_timeout`` ends it."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"postgresql://postgres@127.0.0.1:{silent.getsockname()[1]}/simexit"
        client = create_app(
            app_config(tmp_path, database=url, push_service=push_service)
        ).test_client()
        body = plan_body(push_service)
        answers = []
        request = threading.Thread(
            daemon=True, target=lambda: answers.append(client.post("/api/reminders", json=body))
        )
        request.start()
        request.join(PROCESS_TIMEOUT)  # a hang guard: without a connect timeout it never ends
        assert answers, "the request still waits for the database"
    [response] = answers
    assert_error_shape(response.status_code, response.headers, response.get_data())


@pytest.mark.slow
def test_send_exits_1_with_one_line_while_the_database_is_unreachable(tmp_path, push_service):
    env = unreachable_env(tmp_path, push_service)
    result = send(env)
    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: database unavailable: OperationalError: "), line


@pytest.mark.slow
def test_worker_outlives_an_unreachable_database_until_sigterm(tmp_path, push_service):
    env = unreachable_env(tmp_path, push_service, **QUICK_WORKER)
    log = tmp_path / "worker.log"
    process = start_worker(env, log)
    wait_for(
        lambda: read(log).count("database unavailable") >= 3 or process.poll() is not None,
        "three failed runs",
    )
    assert process.poll() is None, read(log)
    assert stop_worker(process) == 0
    lines = read(log).strip().splitlines()
    assert "reminders: worker started" in lines[0] and "reminders: worker stopped" in lines[-1]
    # One line a failed run, no traceback.
    assert all(
        "reminders: database unavailable (OperationalError: " in line and "next try in" in line
        for line in lines[1:-1]
    ), lines


def test_backoff_doubles_up_to_the_cap_less_some_jitter():
    def delays(rand):
        return [worker.backoff(n, first=1.0, cap=60.0, rand=rand) for n in range(1, 10)]

    assert delays(lambda: 0.0) == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert delays(lambda: 1.0) == [0.5, 1, 2, 4, 8, 16, 30, 30, 30]
    assert worker.backoff(10_000, first=1.0, cap=60.0) <= 60.0  # no overflow after days


@pytest.mark.slow
@pytest.mark.usefixtures("schema")
def test_sigterm_finishes_the_batch_in_flight_and_claims_no_other(app, push_service, tmp_path):
    from pushservice import Answer

    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    subscriptions = [push_service.subscribe() for _ in range(100)]
    for sub in subscriptions:  # slow answers: each batch of 10 takes about half a second
        push_service.script(sub, Answer(201, delay=0.1))
    plans = add_reminders(app, subscriptions, now)
    with app.app_context():
        push.vapid_key()
    env = sender_env(app, push_service, PUSH_BATCH_SIZE=10, PUSH_CONCURRENCY=2, **QUICK_WORKER)
    process = start_worker(env, tmp_path / "worker.log")
    wait_for(lambda: push_service.messages or process.poll() is not None, "a first message")
    assert stop_worker(process) == 0, read(tmp_path / "worker.log")

    states = reminder_states(app)
    sent = {plan for plan, (state, _) in states.items() if state == "sent"}
    assert {claim for _, claim in states.values()} == {None}  # no claim left behind
    assert {state for state, _ in states.values()} == {"sent", "pending"}  # it stopped early
    delivered = collections.Counter(payload_id(m)[0] for m in push_service.delivered())
    assert set(delivered) == sent and max(delivered.values()) == 1
    # What it left is sent by the next run, once.
    result = send(env)
    assert result.returncode == 0, result.stderr
    delivered = collections.Counter(payload_id(m)[0] for m in push_service.delivered())
    assert set(delivered) == plans and max(delivered.values()) == 1


# --- a PostgreSQL server that goes away ------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class HttpServer:
    """The app over real HTTP on a free loopback port, in a daemon thread."""

    def __init__(self, app):
        self.server = make_server(
            "127.0.0.1", 0, app, server_class=_ThreadingServer, handler_class=_QuietHandler
        )
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self.statuses: list[int] = []  # of every request, to find any 5xx but the 503s

    def call(self, method: str, path: str, body=None, token: str | None = None):
        """``(status, headers, body bytes)`` of one request."""
        request = urllib.request.Request(
            self.url + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
        )
        if body is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with self.opener.open(request, timeout=PROCESS_TIMEOUT) as response:
                result = response.status, response.headers, response.read()
        except urllib.error.HTTPError as e:
            result = e.code, e.headers, e.read()
        self.statuses.append(result[0])
        return result

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture(scope="module")
def own_postgres():
    """A PostgreSQL server for this module alone, to stop and start."""
    if pg_bin() is None:
        message = "PostgreSQL is not installed (scripts/test.sh installs it)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    server = PostgresServer()
    server.start()
    yield server
    server.close()


@pytest.fixture
def site_dir(site):
    """The session's site build (conftest ``site``), served by the module's apps."""
    return site["dir"]


class Outage:
    """A running API (``http``) and worker process on a database of ``own_postgres``."""

    def __init__(self, app, http: HttpServer, worker_process, log, postgres):
        self.app, self.http, self.worker, self.log, self.postgres = (
            app,
            http,
            worker_process,
            log,
            postgres,
        )

    def warm_up(self, push_service) -> None:
        """Wait until the worker has sent a reminder: it runs, and its pool holds a connection."""
        plans = add_reminders(self.app, [push_service.subscribe()], dt.datetime.now(dt.UTC))
        wait_for(
            lambda: self.all_sent(plans) or self.worker.poll() is not None,
            "the worker's first reminder",
        )
        assert self.worker.poll() is None, read(self.log)

    def create_plan(self, push_service) -> dict:
        status, _, body = self.http.call("POST", "/api/reminders", plan_body(push_service))
        assert status == 201, body
        return json.loads(body)

    def all_sent(self, plans: set[str]) -> bool:
        states = reminder_states(self.app)
        return all(states[plan] == ("sent", None) for plan in plans)


@pytest.fixture
def outage(own_postgres, site_dir, tmp_path, push_service):
    admin = sa.create_engine(
        own_postgres.url.replace("postgresql://", "postgresql+psycopg://"),
        isolation_level="AUTOCOMMIT",
        poolclass=sa.NullPool,
    )
    name = f"simexit_outage_{secrets.token_hex(4)}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = own_postgres.url.rsplit("/", 1)[0] + "/" + name
    app = create_app(
        app_config(tmp_path, database=url, push_service=push_service, BUILD_DIR=str(site_dir))
    )
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        push.vapid_key()  # created here, shared with the worker
    http = HttpServer(app)
    log = tmp_path / "worker.log"
    process = start_worker(sender_env(app, push_service, **QUICK_WORKER), log)
    yield Outage(app, http, process, log, own_postgres)
    if process.poll() is None:
        process.kill()
        process.wait()
    http.close()
    with app.app_context():
        db.engine.dispose()
    if not own_postgres.running:  # a failed test may leave it stopped
        own_postgres.start()
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.mark.slow
def test_a_database_outage_delays_reminders_and_fails_no_request(outage, push_service):
    http = outage.http
    outage.warm_up(push_service)
    plan = outage.create_plan(push_service)  # the API's pool now holds a connection
    due = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=3)
    plans = add_reminders(outage.app, [push_service.subscribe() for _ in range(30)], due)

    outage.postgres.stop()
    while dt.datetime.now(dt.UTC) < due + dt.timedelta(seconds=1):  # they fall due meanwhile
        for path in ("/en/", "/ru/azercell/", "/sw.js"):
            assert http.call("GET", path)[0] == 200, path
        assert_error_shape(*http.call("POST", "/api/reminders", plan_body(push_service)))
        assert_error_shape(*http.call("GET", f"/api/reminders/{plan['id']}", token=plan["token"]))
        assert outage.worker.poll() is None, read(outage.log)
        time.sleep(0.2)
    # The server was down before they fell due: nothing was sent early.
    assert not plans & {payload_id(m)[0] for m in push_service.delivered()}
    assert "database unavailable" in read(outage.log)

    outage.postgres.start()
    wait_for(lambda: outage.all_sent(plans), "the reminders due during the outage")
    delivered = collections.Counter(payload_id(m)[0] for m in push_service.delivered())
    assert plans <= set(delivered) and max(delivered.values()) == 1
    http.statuses.clear()
    assert http.call("GET", f"/api/reminders/{plan['id']}", token=plan["token"])[0] == 200
    outage.create_plan(push_service)
    assert http.statuses == [200, 201]
    assert outage.worker.poll() is None
    assert stop_worker(outage.worker) == 0
    assert "Traceback" not in read(outage.log)


@pytest.mark.slow
def test_a_fast_restart_fails_no_request_and_loses_no_reminder(outage, push_service):
    http = outage.http
    outage.warm_up(push_service)
    plan = outage.create_plan(push_service)
    assert http.call("GET", f"/api/reminders/{plan['id']}", token=plan["token"])[0] == 200

    outage.postgres.stop()
    outage.postgres.start()
    # The API's pooled connection died with the old server: it is replaced before use.
    http.statuses.clear()
    assert http.call("GET", f"/api/reminders/{plan['id']}", token=plan["token"])[0] == 200
    outage.create_plan(push_service)
    assert http.statuses == [200, 201]

    # The worker's pool, idle through the restart, serves it on.
    plans = add_reminders(
        outage.app, [push_service.subscribe() for _ in range(30)], dt.datetime.now(dt.UTC)
    )
    wait_for(lambda: outage.all_sent(plans), "the reminders due after the restart")
    delivered = collections.Counter(payload_id(m)[0] for m in push_service.delivered())
    assert plans <= set(delivered) and max(delivered.values()) == 1
    assert outage.worker.poll() is None
    assert stop_worker(outage.worker) == 0
    assert "Traceback" not in read(outage.log)
