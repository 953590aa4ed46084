"""Throw-away PostgreSQL servers: the one place that starts one, for tests, test.sh and bench.

A server lives in a temp dir on a free 127.0.0.1 port (Debian's
``/usr/lib/postgresql/*/bin``, the newest), with trust authentication on loopback and
its own socket directory only (so no password anywhere), run as ``postgres`` when we are
root. Durability is off unless asked for (it is deleted afterwards).

- :class:`PostgresServer`: ``start()``, ``stop()``, ``close()`` (stop and delete); the
  outage tests stop and start one at will. ``stop()`` is a fast shutdown: every open
  session gets ``AdminShutdown``, as when an operator restarts the server.
- :func:`postgres`: ``with postgres() as admin_url:`` ``SIMEXIT_TEST_POSTGRES_URL`` if set,
  else a new server, deleted on exit (the benchmarks); :func:`database` makes a fresh
  database on it.
- ``python tests/pgserver.py start DIR`` prints the admin URL of a server in ``DIR``, and its
  version to stderr (exit 2: PostgreSQL is not installed; 1: it did not start, with why);
  ``stop DIR`` stops it and deletes ``DIR``. ``scripts/test.sh`` runs the suite on one.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator

#: What a throw-away server may skip: it is deleted afterwards, a crash loses nothing of value.
NOT_DURABLE = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
DATA = "data"


def pg_bin() -> str | None:
    """The newest installed PostgreSQL's ``bin`` directory, or ``None``."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: int(p.split("/")[-3]) if p.split("/")[-3].isdigit() else 0,
    )
    return os.path.dirname(found[-1]) if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """``initdb`` + ``pg_ctl`` in ``directory`` (default: a new temp dir), not started yet.

    :param durable: keep fsync and synchronous commit on (production-like figures).
    """

    def __init__(self, directory: str | None = None, *, durable: bool = False) -> None:
        self.bin = pg_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
        self.dir = directory or tempfile.mkdtemp(prefix="simexit-pg.")
        self.prefix: list[str] = []
        if os.getuid() == 0:
            shutil.chown(self.dir, "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self.data = os.path.join(self.dir, DATA)
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self.durable = durable
        self.running = False
        self._run(
            "initdb",
            "-D",
            self.data,
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )

    def _run(self, tool: str, *args: str) -> None:
        assert self.bin is not None
        result = subprocess.run(
            [*self.prefix, os.path.join(self.bin, tool), *args],
            cwd=self.dir,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{tool} failed: {result.stdout}{result.stderr}"[-2000:])

    def start(self) -> None:
        """Start, on the same port, and wait until it accepts connections."""
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200"
        )
        if not self.durable:
            options += " " + NOT_DURABLE
        self._run(
            "pg_ctl",
            "-D",
            self.data,
            "-l",
            os.path.join(self.dir, "server.log"),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "start",
        )
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        """Stop and wait until it is down (``fast``: sessions are ended with AdminShutdown)."""
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop")
        self.running = False

    def close(self) -> None:
        """Stop at once (if running) and delete the directory."""
        close(self.dir)

    def version(self) -> str:
        assert self.bin is not None
        return subprocess.run(
            [os.path.join(self.bin, "postgres"), "--version"], capture_output=True, text=True
        ).stdout.strip()


def close(directory: str) -> None:
    """Stop the server of ``directory`` at once, if one runs, and delete the directory."""
    found = pg_bin()
    if found and os.path.isdir(os.path.join(directory, DATA)):
        prefix = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        subprocess.run(
            [
                *prefix,
                os.path.join(found, "pg_ctl"),
                "-D",
                os.path.join(directory, DATA),
                "-m",
                "immediate",
                "stop",
            ],
            cwd=directory,
            capture_output=True,
        )
    shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def postgres(*, durable: bool = False) -> Iterator[str]:
    """An admin URL: ``SIMEXIT_TEST_POSTGRES_URL`` if set, else a new server for the block."""
    if os.environ.get("SIMEXIT_TEST_POSTGRES_URL"):
        yield os.environ["SIMEXIT_TEST_POSTGRES_URL"]
        return
    if pg_bin() is None:
        raise SystemExit("PostgreSQL not installed: apt-get install postgresql")
    server = PostgresServer(durable=durable)
    try:
        server.start()
        yield server.url
    finally:
        server.close()


def database(admin_url: str) -> str:
    """Create a new empty database on the server; return its URL."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    url = make_url(admin_url).set(drivername="postgresql+psycopg")
    name = f"simexit_bench_{secrets.token_hex(4)}"
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with engine.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def main(argv: list[str]) -> int:
    """``start DIR`` or ``stop DIR`` (see the module docstring); the exit status."""
    if len(argv) != 2 or argv[0] not in ("start", "stop"):
        print("usage: pgserver.py start|stop DIR", file=sys.stderr)
        return 64
    command, directory = argv
    if command == "stop":
        close(directory)
        return 0
    if pg_bin() is None:
        return 2
    try:
        server = PostgresServer(directory)
        server.start()
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        print(f"PostgreSQL did not start: {e}", file=sys.stderr)
        with contextlib.suppress(OSError), open(os.path.join(directory, "server.log")) as log:
            print(log.read()[-2000:], file=sys.stderr)
        return 1
    print(server.version(), file=sys.stderr)
    print(server.url)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
