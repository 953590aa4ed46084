"""Shared fixtures: ``app``, ``client`` and ``runner``, the flaskr way."""

from __future__ import annotations

import pytest
from pushservice import PushService

from webapp import create_app


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
def app(tmp_path, push_service):
    """An app on a fresh SQLite database and instance folder, without a site build."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'simexit.sqlite3'}",
            "BUILD_DIR": str(tmp_path / "build"),
            "BUILD_ON_START": False,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            # Subscriptions may point at the loopback push service only.
            "PUSH_SERVICES": push_service.origin,
            "VAPID_SUBJECT": "mailto:tests@simexit.invalid",
        }
    )
    yield app


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
        return self._client.post("/api/reminders", json=data if data is not None else self.body(**fields))

    @staticmethod
    def auth(token):
        return {"Authorization": f"Bearer {token}"}

    def get(self, plan):
        return self._client.get(f"/api/reminders/{plan['id']}", headers=self.auth(plan["token"]))

    def delete(self, plan):
        return self._client.delete(f"/api/reminders/{plan['id']}", headers=self.auth(plan["token"]))

    def done(self, plan, kind):
        return self._client.post(f"/api/reminders/{plan['id']}/done/{kind}", headers=self.auth(plan["token"]))

    def move(self, plan, subscription):
        return self._client.put(f"/api/reminders/{plan['id']}/subscription",
                                json={"subscription": subscription}, headers=self.auth(plan["token"]))

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
