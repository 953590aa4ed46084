"""API load on loopback: gunicorn with several workers, on SQLite and on PostgreSQL.

For each engine: a fresh database (``flask db upgrade``), ``gunicorn --preload
--workers W "webapp:create_app()"`` on a free 127.0.0.1 port, then a bounded
asyncio load generator (one process, ``--clients`` connections) that for
``--seconds`` (default 60) repeats: create a plan (``POST /api/reminders``, a new
push endpoint each time) and read it back twice (``GET /api/reminders/<id>``).
Prints requests/s, p50/p99 latency per request kind and the error count (any
status other than 201/200, or a connection error). Rate limiting is switched off
for the run (all load comes from one address). Nothing leaves 127.0.0.1.

Run: ``.venv/bin/python bench/bench_api.py [--seconds 60] [--workers 4] [--clients 32]
[--engines sqlite,postgresql]``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [HERE, ROOT]

import pgcluster  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(tmp: str, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIMEXIT_")}
    env.update(SIMEXIT_DATABASE_URL=database_url, SIMEXIT_INSTANCE_PATH=f"{tmp}/instance",
               SIMEXIT_BUILD_DIR=f"{tmp}/build", SIMEXIT_BUILD_ON_START="false",
               SIMEXIT_RATELIMIT_ENABLED="false",
               SIMEXIT_VAPID_SUBJECT="mailto:bench@simexit.invalid")
    return env


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

    public = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
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

    async def timed(kind, call):
        started = time.perf_counter()
        try:
            async with call() as response:
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
            body = {"subscription": {"endpoint": f"https://fcm.googleapis.com/fcm/send/"
                                                 f"bench-{os.getpid()}-{next(counter)}",
                                     "keys": keys},
                    "locale": "en", "operator": "azercell", "date": date,
                    "timezone": "Asia/Baku"}
            plan = await timed("create", lambda b=body: session.post(f"{base}/api/reminders",
                                                                     json=b))
            if plan is None:
                continue
            auth = {"Authorization": f"Bearer {plan['token']}"}
            for _ in range(2):
                await timed("read", lambda p=plan: session.get(
                    f"{base}/api/reminders/{p['id']}", headers=auth))

    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(client(session) for _ in range(clients)))
    return results


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 \
        else values[0]


def run_engine(engine: str, database_url: str, args) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = app_env(tmp, database_url)
        subprocess.run([sys.executable, "-m", "flask", "--app", "webapp", "db", "upgrade"],
                       cwd=ROOT, env=env, check=True, stderr=subprocess.DEVNULL)
        port = free_port()
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--preload", "--workers", str(args.workers),
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "webapp:create_app()"],
            cwd=ROOT, env=env)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/api/push/key")
            started = time.perf_counter()
            results = asyncio.run(load(base, seconds=args.seconds, clients=args.clients))
            elapsed = time.perf_counter() - started
        finally:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
    total = len(results["create"]) + len(results["read"])
    every = results["create"] + results["read"]
    print(f"{engine:10} {args.workers} workers, {args.clients} clients, {elapsed:.0f} s: "
          f"{total / elapsed:7.0f} req/s  p50 {percentile(every, 50) * 1000:6.1f} ms  "
          f"p99 {percentile(every, 99) * 1000:6.1f} ms  errors {len(results['errors'])}")
    for kind in ("create", "read"):
        values = results[kind]
        print(f"{'':10} {kind:6} {len(values) / elapsed:7.0f} req/s  "
              f"p50 {percentile(values, 50) * 1000:6.1f} ms  "
              f"p99 {percentile(values, 99) * 1000:6.1f} ms")
    if results["errors"]:
        print(f"{'':10} first errors: {sorted(set(results['errors']))[:5]}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="load per engine (60)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent connections (32)")
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    print(f"API load on 127.0.0.1, {os.cpu_count()} CPUs (server and load generator share them)")
    for engine in args.engines.split(","):
        if engine == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                run_engine(engine, f"sqlite:///{tmp}/bench.sqlite3", args)
        else:
            with pgcluster.postgres(durable=True) as admin:
                run_engine(engine, pgcluster.database(admin), args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
