"""Sender throughput with 1, 2 and 4 sender processes on PostgreSQL, on loopback.

For each process count: a fresh database on a throw-away PostgreSQL cluster
(``bench/pgserver.py``, or ``SIMEXIT_TEST_POSTGRES_URL``), ``--count`` due
reminders (default 6,000, one per subscription), then that many
``flask --app webapp reminders send --now …`` processes started at once against
the counting loopback push service (bench/countingpush.py, in a child process).
Prints reminders/s from the first start to the last exit (process start-up
included), the same without the measured start-up of one idle sender, and checks
that the push service got each reminder once.

Run: ``.venv/bin/python bench/bench_senders.py [--count 6000] [--processes 1,2,4]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [HERE, ROOT, os.path.join(ROOT, "tests")]  # pgserver.py, duereminders.py

import pgserver  # noqa: E402
from bench_api import app_env, migrate, subscription_keys  # noqa: E402
from countingpush import CountingPushService  # noqa: E402
from duereminders import NOW, add_due_reminders, send_command  # noqa: E402


def prepare(env: dict, origin: str, count: int) -> None:
    """Migrate the database, insert ``count`` due reminders, create the VAPID key."""
    from webapp import create_app
    from webapp.db import db

    migrate(env)
    app = create_app(
        {
            "DATABASE_URL": env["SIMEXIT_DATABASE_URL"],
            "BUILD_ON_START": False,
            "INSTANCE_PATH": env["SIMEXIT_INSTANCE_PATH"],
            "BUILD_DIR": env["SIMEXIT_BUILD_DIR"],
            "PUSH_SERVICES": origin,
        }
    )
    subscriptions = [
        {"endpoint": f"{origin}/push/{i}", "keys": subscription_keys()}
        for i in range(1, count + 1)
    ]
    add_due_reminders(app, subscriptions)
    with app.app_context():
        db.engine.dispose()


def run_senders(env: dict, processes: int, now: dt.datetime = NOW) -> float:
    """Start ``processes`` senders at once; return the seconds until the last one exits."""
    started = time.perf_counter()
    running = [
        subprocess.Popen(send_command(now), cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        for _ in range(processes)
    ]
    for process in running:
        if process.wait(timeout=600) != 0:
            raise SystemExit("a sender failed")
    return time.perf_counter() - started


def measure(
    admin_url: str,
    service: CountingPushService,
    *,
    processes: int,
    count: int,
    concurrency: int,
    tmp: str,
) -> tuple[float, float]:
    """(wall seconds, idle start-up seconds) for ``count`` reminders and ``processes`` senders."""
    env = app_env(os.path.join(tmp, f"p{processes}"), pgserver.database(admin_url))
    env.update(SIMEXIT_PUSH_SERVICES=service.origin, SIMEXIT_PUSH_CONCURRENCY=str(concurrency))
    prepare(env, service.origin, count)
    before = service.count()
    wall = run_senders(env, processes)
    delivered = service.count() - before
    if delivered != count:
        raise SystemExit(f"push service got {delivered} messages for {count} reminders")
    idle = run_senders(env, 1)  # nothing left: the cost of starting a sender
    return wall, idle


def main(argv=None) -> int:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=6000, help="due reminders (6000)")
    parser.add_argument("--processes", default="1,2,4", help="sender process counts (1,2,4)")
    parser.add_argument(
        "--concurrency", type=int, default=16, help="requests in flight per sender (16)"
    )
    args = parser.parse_args(argv)
    print(
        f"senders on PostgreSQL, loopback push service, {os.cpu_count()} CPUs shared by "
        f"senders, push service and PostgreSQL; {args.count} due reminders"
    )
    with (
        pgserver.postgres(durable=True) as admin,
        CountingPushService() as service,
        tempfile.TemporaryDirectory() as tmp,
    ):
        for processes in (int(p) for p in args.processes.split(",")):
            wall, idle = measure(
                admin,
                service,
                processes=processes,
                count=args.count,
                concurrency=args.concurrency,
                tmp=tmp,
            )
            print(
                f"{processes} sender(s): {args.count / wall:7.0f} reminders/s "
                f"({wall:.2f} s incl. start-up; {args.count / max(wall - idle, 1e-9):7.0f}/s "
                f"without the {idle:.2f} s start-up), each delivered once"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
