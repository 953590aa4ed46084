"""A throw-away PostgreSQL cluster for the benchmarks, like the one scripts/test.sh starts.

``with postgres() as url:`` yields an admin URL: the URL in
``SIMEXIT_TEST_POSTGRES_URL`` if set, else a new cluster (Debian's
``/usr/lib/postgresql/*/bin``) in a temp dir on a free 127.0.0.1 port, trust
authentication on loopback and its socket only, run as ``postgres`` when we are
root, stopped and deleted on exit. ``database(admin_url)`` makes a fresh database.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def postgres(*, durable: bool = False) -> Iterator[str]:
    """An admin URL of a running server (see the module docstring).

    :param durable: keep fsync and synchronous commit on (production-like figures);
        off, commits cost no disk flush (like the test cluster).
    """
    if os.environ.get("SIMEXIT_TEST_POSTGRES_URL"):
        yield os.environ["SIMEXIT_TEST_POSTGRES_URL"]
        return
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if not bins:
        raise SystemExit("PostgreSQL not installed: apt-get install postgresql")
    pg_bin = bins[-1]
    tmp = tempfile.mkdtemp(prefix="simexit-bench-pg.")
    prefix = []
    if os.getuid() == 0:
        shutil.chown(tmp, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = os.path.join(tmp, "data"), _free_port()
    options = f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c max_connections=200"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    try:
        subprocess.run([*prefix, f"{pg_bin}/initdb", "-D", data, "-U", "postgres",
                        "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"],
                       check=True, stdout=subprocess.DEVNULL, cwd=tmp)
        subprocess.run([*prefix, f"{pg_bin}/pg_ctl", "-D", data, "-l", f"{tmp}/server.log",
                        "-w", "-o", options, "start"], check=True, stdout=subprocess.DEVNULL,
                       cwd=tmp)
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*prefix, f"{pg_bin}/pg_ctl", "-D", data, "-m", "immediate", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp)
        shutil.rmtree(tmp, ignore_errors=True)


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
