"""A PostgreSQL server of a test's own, to stop and start at will (outage tests).

The shared throw-away cluster of ``scripts/test.sh`` must stay up for every other test;
this one lives in a temp dir on a free 127.0.0.1 port (Debian's
``/usr/lib/postgresql/*/bin``, trust authentication on loopback and its own socket
directory only, durability off), run as ``postgres`` when we are root, like the cluster
of ``scripts/test.sh``. ``stop()`` is a fast shutdown: every open session gets
``AdminShutdown``, as when an operator restarts the server.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile


def pg_bin() -> str | None:
    """The newest installed PostgreSQL's ``bin`` directory, or ``None``."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(p.split("/")[-3]) if p.split("/")[-3].isdigit() else 0)
    return os.path.dirname(found[-1]) if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """``initdb`` + ``pg_ctl``: ``start()``, ``stop()``, ``close()`` (stop and delete)."""

    def __init__(self) -> None:
        self.bin = pg_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
        self.dir = tempfile.mkdtemp(prefix="simexit-outage-pg.")
        self.prefix: list[str] = []
        if os.getuid() == 0:
            shutil.chown(self.dir, "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self.running = False
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "--no-sync",
                  "-E", "UTF8", "--locale=C.UTF-8")

    def _run(self, tool: str, *args: str) -> None:
        result = subprocess.run([*self.prefix, os.path.join(self.bin, tool), *args],
                                cwd=self.dir, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{tool} failed: {result.stdout}{result.stderr}"[-2000:])

    def start(self) -> None:
        """Start, on the same port, and wait until it accepts connections."""
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        self._run("pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "server.log"),
                  "-w", "-t", "60", "-o", options, "start")
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        """Stop and wait until it is down (``fast``: sessions are ended with AdminShutdown)."""
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop")
        self.running = False

    def close(self) -> None:
        subprocess.run([*self.prefix, os.path.join(self.bin, "pg_ctl"), "-D", self.data,
                        "-m", "immediate", "stop"], cwd=self.dir, capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)
