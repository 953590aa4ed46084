"""Shared fixtures: ``app``, ``client`` and ``runner``, the flaskr way.

The reminders tests run on both database engines: every test that uses the
``schema`` fixture (or is marked ``databases(...)``) is parametrized over
``sqlite`` and ``postgresql``. PostgreSQL comes from ``SIMEXIT_TEST_POSTGRES_URL``
(``scripts/test.sh`` starts a throw-away server and sets it), an admin URL on
which each test gets its own database, dropped afterwards. Without that URL the
PostgreSQL tests are skipped with the reason; with ``CI=true`` they are required.
"""

from __future__ import annotations

import gc
import os
import secrets
import shutil

import pytest
from appconfig import app_config
from pushservice import PushService

from webapp import create_app

#: The engines the reminders tests run on.
DATABASES = ("sqlite", "postgresql")
POSTGRES_ENV = "SIMEXIT_TEST_POSTGRES_URL"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "databases(*names): run only on these engines (default: sqlite and postgresql)"
    )
    if in_ci() and not os.environ.get(POSTGRES_ENV):
        # CI must not pass with the PostgreSQL half silently skipped.
        raise pytest.UsageError(
            f"CI=true but {POSTGRES_ENV} is not set: the PostgreSQL "
            "tests would be skipped (run scripts/test.sh)"
        )


def pytest_collection_modifyitems(config, items):
    """Run the real-browser layer last.

    Playwright's sync API keeps an event loop running in this thread until the session
    ends, and ``asyncio.run()`` (the push sender) refuses to start inside one.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def pytest_generate_tests(metafunc):
    marker = metafunc.definition.get_closest_marker("databases")
    if marker is not None or "schema" in metafunc.fixturenames:
        names = marker.args if marker is not None and marker.args else DATABASES
        metafunc.parametrize("database", names, indirect=True)


def _admin_url():
    from sqlalchemy.engine import make_url

    url = make_url(os.environ[POSTGRES_ENV])
    return url.set(drivername="postgresql+psycopg") if "+" not in url.drivername else url


@pytest.fixture(scope="session")
def postgres_admin():
    """An engine on the test server's maintenance database (autocommit), or a skip."""
    if not os.environ.get(POSTGRES_ENV):
        pytest.skip(
            f"PostgreSQL: {POSTGRES_ENV} is not set (scripts/test.sh starts a throw-away server)"
        )
    import sqlalchemy as sa

    engine = sa.create_engine(_admin_url(), isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with engine.connect() as connection:  # fail now, not in every test, if it is unreachable
        connection.exec_driver_sql("SELECT 1")
    yield engine
    engine.dispose()


@pytest.fixture
def database(request, tmp_path):
    """The test's own empty database, as a SQLAlchemy URL: a SQLite file, or a new
    PostgreSQL database dropped after the test. Default (not parametrized): SQLite."""
    name = getattr(request, "param", "sqlite")
    if name == "sqlite":
        yield f"sqlite:///{tmp_path / 'simexit.sqlite3'}"
        return
    admin = request.getfixturevalue("postgres_admin")
    db_name = f"simexit_test_{secrets.token_hex(6)}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{db_name}"')
    try:
        yield _admin_url().set(database=db_name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def node() -> str:
    """node's path, for the JavaScript run outside a browser (unit tests, calendar file,
    shared constants). scripts/test.sh installs it: in CI a missing node fails, elsewhere
    it skips."""
    path = shutil.which("node")
    if path is None:
        reason = "node is not installed: scripts/test.sh installs it"
        pytest.fail(reason) if in_ci() else pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """One build of the whole site, shared by the session (building is the expensive part):
    ``{"app", "dir", "precache"}``. Tests read it and never change it."""
    from webapp import build

    tmp = tmp_path_factory.mktemp("site")
    app = create_app(app_config(tmp))
    precache = build.build_site(app, str(tmp / "build"))
    return {"app": app, "dir": tmp / "build", "precache": precache}


@pytest.fixture(scope="session")
def push_server():
    """The loopback push service (tests/pushservice.py), one per test session."""
    with PushService() as service:
        yield service


@pytest.fixture
def push_service(push_server):
    """The loopback push service, emptied for this test."""
    push_server.reset()
    return push_server


@pytest.fixture
def app(tmp_path, push_service, database):
    """An app on a fresh database (``database``) and instance folder, without a site build."""
    app = create_app(app_config(tmp_path, database=database, push_service=push_service))
    yield app
    from webapp.db import db

    with app.app_context():  # close pooled connections before the database is dropped
        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def schema(app):
    """The reminders database schema, created by the migrations (``flask db upgrade``)."""
    from flask_migrate import upgrade

    from webapp.db import db

    with app.app_context():
        upgrade()
    yield
    with app.app_context():
        db.engine.dispose()


class Reminders:
    """Verb helpers for the reminders API, like flaskr's ``AuthActions``."""

    def __init__(self, app, client, push_service):
        self._app = app
        self._client = client
        self._push = push_service

    def body(self, subscription=None, **fields):
        """A valid ``POST /api/reminders`` body (a new loopback subscription), with overrides."""
        import datetime as dt

        data = {
            "subscription": subscription or self._push.subscribe(),
            "locale": "en",
            "operator": "azercell",
            "date": (dt.date.today() + dt.timedelta(days=10)).isoformat(),
            "timezone": "Asia/Baku",
        }
        data.update(fields)
        return data

    def create(self, data=None, **fields):
        return self._client.post(
            "/api/reminders", json=data if data is not None else self.body(**fields)
        )

    @staticmethod
    def auth(token):
        return {"Authorization": f"Bearer {token}"}

    def get(self, plan):
        return self._client.get(f"/api/reminders/{plan['id']}", headers=self.auth(plan["token"]))

    def delete(self, plan):
        return self._client.delete(
            f"/api/reminders/{plan['id']}", headers=self.auth(plan["token"])
        )

    def done(self, plan, kind):
        return self._client.post(
            f"/api/reminders/{plan['id']}/done/{kind}", headers=self.auth(plan["token"])
        )

    def move(self, plan, subscription):
        return self._client.put(
            f"/api/reminders/{plan['id']}/subscription",
            json={"subscription": subscription},
            headers=self.auth(plan["token"]),
        )

    def snapshot(self):
        """Every stored row of the reminders tables, to assert that nothing changed."""
        import sqlalchemy as sa

        from webapp.db import db

        with self._app.app_context():
            return {
                table: db.session.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1")).all()
                for table in ("subscription", "plan", "reminder")
            }


@pytest.fixture
def reminders(app, client, push_service, schema):
    return Reminders(app, client, push_service)


@pytest.fixture(autouse=True)
def garbage_collector_restored():
    """``reminders send/worker`` tune the garbage collector for a sending process
    (``sender.settle_memory``); run in-process by a test, they must not tune pytest's."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)
