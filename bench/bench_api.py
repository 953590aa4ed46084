"""API load on loopback: the Procfile's server and gunicorn, on SQLite and on PostgreSQL.

For each engine and server: a fresh database (``flask db upgrade``), the server on a
free 127.0.0.1 port with ``--workers W`` — ``procfile`` is the Procfile's ``web:``
command (granian) with its worker count replaced, ``gunicorn`` is ``gunicorn
--preload --workers W "webapp:create_app()"`` (sync workers, the server before
granian; ``pip install -e '.[bench]'``) — then a bounded
asyncio load generator (one process, ``--clients`` connections) that for
``--seconds`` (default 60) repeats: create a plan (``POST /api/reminders``, a new
push endpoint each time) and read it back twice (``GET /api/reminders/<id>``).
Prints requests/s, p50/p99 latency per request kind and the error count (any
status other than 201/200, or a connection error). Rate limiting is switched off
for the run (all load comes from one address). Nothing leaves 127.0.0.1.

With ``--rounds N`` the servers take turns N times on each engine, and the median
of the rounds' rates is printed with their range.

Run: ``.venv/bin/python bench/bench_api.py [--seconds 60] [--workers 4] [--clients 32]
[--engines sqlite,postgresql] [--servers procfile,gunicorn] [--rounds 1]``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [HERE, ROOT, os.path.join(ROOT, "tests")]  # tests/pgserver.py

import pgserver  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(tmp: str, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIMEXIT_")}
    env.update(
        SIMEXIT_DATABASE_URL=database_url,
        SIMEXIT_INSTANCE_PATH=f"{tmp}/instance",
        SIMEXIT_BUILD_DIR=f"{tmp}/build",
        SIMEXIT_BUILD_ON_START="false",
        SIMEXIT_RATELIMIT_ENABLED="false",
        SIMEXIT_VAPID_SUBJECT="mailto:bench@simexit.invalid",
    )
    return env


def migrate(env: dict) -> None:
    """Create the schema in the database ``env`` names (``flask db upgrade``)."""
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "webapp", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        stderr=subprocess.DEVNULL,
    )


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def subscription_keys() -> dict:
    """A valid P-256 public key and auth secret, shared by every generated subscription."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    public = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    b64 = lambda raw: base64.urlsafe_b64encode(raw).rstrip(b"=").decode()  # noqa: E731
    return {"p256dh": b64(public), "auth": b64(os.urandom(16))}


async def load(base: str, *, seconds: float, clients: int) -> dict[str, list]:
    """Run the create-and-read loop; return latencies per kind and the errors."""
    import aiohttp

    keys = subscription_keys()
    date = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    results: dict[str, list] = {"create": [], "read": [], "errors": []}
    deadline = time.monotonic() + seconds
    counter = iter(range(10**9))

    async def timed(kind, request):
        """Send ``request`` (an aiohttp request not yet awaited); its JSON body, or None."""
        started = time.perf_counter()
        try:
            async with request as response:
                body = await response.json(content_type=None)
                ok = response.status == (201 if kind == "create" else 200)
        except (aiohttp.ClientError, TimeoutError, ValueError) as e:
            results["errors"].append(f"{kind}: {type(e).__name__}")
            return None
        results[kind].append(time.perf_counter() - started)
        if not ok:
            results["errors"].append(f"{kind}: HTTP {response.status}")
            return None
        return body

    async def client(session):
        while time.monotonic() < deadline:
            body = {
                "subscription": {
                    "endpoint": f"https://fcm.googleapis.com/fcm/send/"
                    f"bench-{os.getpid()}-{next(counter)}",
                    "keys": keys,
                },
                "locale": "en",
                "operator": "azercell",
                "date": date,
                "timezone": "Asia/Baku",
            }
            plan = await timed("create", session.post(f"{base}/api/reminders", json=body))
            if plan is None:
                continue
            url = f"{base}/api/reminders/{plan['id']}"
            auth = {"Authorization": f"Bearer {plan['token']}"}
            for _ in range(2):
                await timed("read", session.get(url, headers=auth))

    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(client(session) for _ in range(clients)))
    return results


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else values[0]
    )


def server_command(server: str, port: int, workers: int) -> list[str]:
    if server == "gunicorn":
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "--preload",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "webapp:create_app()",
        ]
    with open(os.path.join(ROOT, "Procfile"), encoding="utf-8") as f:
        [web] = [line.split(":", 1)[1].strip() for line in f if line.startswith("web:")]
    return ["bash", "-c", "exec " + re.sub(r"--workers \d+", f"--workers {workers}", web)]


def run_engine(engine: str, database_url: str, server: str, args) -> float:
    """One load run of ``server`` on a fresh database; prints its figures, returns its req/s."""
    with tempfile.TemporaryDirectory() as tmp:
        env = app_env(tmp, database_url)
        migrate(env)
        port = free_port()
        env.update(
            PORT=str(port),
            HOST="127.0.0.1",
            PATH=os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", ""),
        )
        # Its own session: the server and its workers are stopped together.
        process = subprocess.Popen(
            server_command(server, port, args.workers), cwd=ROOT, env=env, start_new_session=True
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/api/push/key", timeout=120)
            started = time.perf_counter()
            results = asyncio.run(load(base, seconds=args.seconds, clients=args.clients))
            elapsed = time.perf_counter() - started
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    total = len(results["create"]) + len(results["read"])
    every = results["create"] + results["read"]
    print(
        f"{engine:10} {server:8} {args.workers} workers, {args.clients} clients, "
        f"{elapsed:.0f} s: {total / elapsed:7.0f} req/s  "
        f"p50 {percentile(every, 50) * 1000:6.1f} ms  p99 {percentile(every, 99) * 1000:6.1f} ms  "
        f"errors {len(results['errors'])}"
    )
    for kind in ("create", "read"):
        values = results[kind]
        print(
            f"{'':19} {kind:6} {len(values) / elapsed:7.0f} req/s  "
            f"p50 {percentile(values, 50) * 1000:6.1f} ms  "
            f"p99 {percentile(values, 99) * 1000:6.1f} ms"
        )
    if results["errors"]:
        print(f"{'':19} first errors: {sorted(set(results['errors']))[:5]}")
    return total / elapsed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="load per engine (60)")
    parser.add_argument("--workers", type=int, default=4, help="server workers (4)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent connections (32)")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--servers", default="procfile,gunicorn")
    parser.add_argument("--rounds", type=int, default=1, help="turns of every server (1)")
    args = parser.parse_args(argv)
    print(
        f"API load on 127.0.0.1, {os.cpu_count()} CPUs (server and load generator share them)"
        f"; load average {os.getloadavg()[0]:.1f}"
    )
    servers = args.servers.split(",")
    rates: dict[tuple[str, str], list[float]] = {}
    for engine in args.engines.split(","):
        for _ in range(args.rounds):
            for server in servers:
                if engine == "sqlite":
                    with tempfile.TemporaryDirectory() as tmp:
                        rate = run_engine(engine, f"sqlite:///{tmp}/bench.sqlite3", server, args)
                else:
                    with pgserver.postgres(durable=True) as admin:
                        rate = run_engine(engine, pgserver.database(admin), server, args)
                rates.setdefault((engine, server), []).append(rate)
    for (engine, server), values in rates.items():
        print(
            f"{engine:10} {server:8} median {statistics.median(values):7.0f} req/s "
            f"(range {min(values):.0f}-{max(values):.0f}, {len(values)} rounds)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
