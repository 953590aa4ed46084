"""The database: migrations create the schema; SQLite is set up for two processes."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from webapp import db as db_module
from webapp.db import db


@pytest.mark.databases()
def test_db_upgrade_creates_the_schema(app, runner):
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        inspector = sa.inspect(db.engine)
        assert {"subscription", "plan", "reminder", "alembic_version"} <= set(
            inspector.get_table_names()
        )
        assert {c["name"] for c in inspector.get_columns("reminder")} >= {
            "kind",
            "due_at",
            "state",
            "next_attempt_at",
            "attempts",
            "claim",
            "claimed_until",
        }
        version = db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    assert version == head_revision()


def head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", db_module.MIGRATIONS_DIR)
    return ScriptDirectory.from_config(config).get_current_head()


def test_migrations_match_the_models(app, schema):
    """No model change without a migration: autogenerate finds nothing to do."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context(), db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []


@pytest.mark.databases("sqlite")
def test_sqlite_is_safe_for_two_processes(app, schema):
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_default_database_is_in_the_instance_folder(app):
    app.config.pop("DATABASE_URL")
    url = db_module.database_url(app)
    assert url == "sqlite:///" + os.path.join(app.instance_path, "simexit.sqlite3")


def test_heroku_style_postgres_url_is_accepted(app):
    app.config["DATABASE_URL"] = "postgres://u@db.example/simexit"
    assert db_module.database_url(app) == "postgresql+psycopg://u@db.example/simexit"


@pytest.mark.parametrize(
    "url", ["postgresql://u@db.example/s", "postgresql+psycopg://u@db.example/s"]
)
def test_postgresql_urls_use_psycopg_3(app, url):
    app.config["DATABASE_URL"] = url
    assert db_module.database_url(app) == "postgresql+psycopg://u@db.example/s"
