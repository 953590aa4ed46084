"""The database: Flask-SQLAlchemy ``db`` and Alembic migrations (Flask-Migrate).

``DATABASE_URL`` (``SIMEXIT_DATABASE_URL``) is any SQLAlchemy URL; by default a
SQLite file in the instance folder. PostgreSQL (``postgresql://…``) goes through
psycopg 3. ``flask --app webapp db upgrade`` creates or
migrates the schema from ``webapp/migrations/``.

SQLite is made safe for a web process and a sender process side by side: WAL
journal (readers never block the writer), a busy timeout (a writer waits for the
other instead of failing at once) and enforced foreign keys.

Pooled connections are checked before use (``pool_pre_ping``): a connection left
idle across a database restart is replaced instead of failing the next request.
While the database is unreachable, statements raise the errors
:func:`unavailable` recognises; the API answers them with 503, the worker with a delay.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from flask import Flask
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "migrations")
#: How long a SQLite writer waits for another process's write lock, in seconds.
SQLITE_BUSY_TIMEOUT = 15
#: How long connecting to PostgreSQL may take, in seconds: a database host that does not
#: answer (down, or packets dropped) costs a request this long, not the TCP timeout (minutes).
POSTGRES_CONNECT_TIMEOUT = 5


#: Named constraints, so later migrations can alter them (SQLite batch mode needs names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: What an unreachable, restarting or overloaded database raises: connection refused or
#: lost, server shut down (psycopg's ``AdminShutdown`` is an ``OperationalError``), SQLite
#: locked past its busy timeout, or no pooled connection free in time.
UNAVAILABLE_ERRORS = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)


def unavailable(error: BaseException) -> bool:
    """Whether ``error`` means "the database cannot be used just now" (try again later)."""
    return isinstance(error, UNAVAILABLE_ERRORS)


def describe(error: BaseException) -> str:
    """``error`` in one short line, for a log or a CLI message (psycopg's span several)."""
    orig = getattr(error, "orig", None) or error
    first = next((line.strip() for line in str(orig).splitlines() if line.strip()), "")
    return f"{type(orig).__name__}: {first}"[:300] if first else type(orig).__name__


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
if TYPE_CHECKING:  # db.Model is made at run time: a type checker knows it as the Base it extends
    Model = Base
else:
    Model = db.Model
migrate = Migrate(directory=MIGRATIONS_DIR)


def database_url(app: Flask) -> str:
    """The configured URL, or a SQLite file in the instance folder."""
    url = app.config.get("DATABASE_URL")
    if url:
        # Heroku-style URLs say "postgres://", which SQLAlchemy 2 no longer accepts; a URL
        # without a driver means psycopg 3 (our dependency), not SQLAlchemy's default psycopg2.
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url
    return "sqlite:///" + os.path.join(app.instance_path, "simexit.sqlite3")


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:  # noqa: ARG001
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT * 1000}")
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL with synchronous=NORMAL is durable against application crashes (not power loss
    # of the last commit), and much faster than FULL.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _configure_engine(engine: Engine) -> None:
    if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", _sqlite_pragmas):
        event.listen(engine, "connect", _sqlite_pragmas)


def init_app(app: Flask) -> None:
    """Bind ``db`` and the ``flask db`` migration commands to the app."""
    url = database_url(app)
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    # A cheap round trip on checkout, so no request meets a connection the server dropped.
    options.setdefault("pool_pre_ping", True)
    if url.startswith("sqlite"):
        options.setdefault("connect_args", {}).setdefault("timeout", SQLITE_BUSY_TIMEOUT)
    elif url.startswith("postgresql"):
        options.setdefault("connect_args", {}).setdefault(
            "connect_timeout", POSTGRES_CONNECT_TIMEOUT
        )
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    with app.app_context():
        for engine in db.engines.values():
            _configure_engine(engine)
