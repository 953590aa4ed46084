"""Push sending throughput on loopback: our sender beside a plain pywebpush loop.

Prints messages per second for N due reminders (default 2,000) sent by
``webapp.push.sender`` (claim, encrypt, concurrent sends on one aiohttp session,
cached VAPID header, record), a plain loop of ``pywebpush.webpush()`` over the
same subscriptions in the same run, and the encryption-only cost per message.

The sender is measured as one process and as several (``--processes``, default
1 and 2: one per core), each a long-running sender (``reminders worker``) that
is started and ready before the clock starts; they share the SQLite database and
claim disjoint batches. Every measurement is repeated (``--repeat``, default 3;
the reminders are made due again each time) and the median is printed with the
range. The push service is ``bench/countingpush.py``: asyncio in a child process,
so it neither shares the senders' interpreter lock nor becomes the bottleneck, as
a real push service would not. Nothing leaves 127.0.0.1.
Run: ``.venv/bin/python bench/bench_push.py [--count 2000] [--processes 1,2] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.dirname(HERE)]

from countingpush import CountingPushService  # noqa: E402


def sender_process(config: dict, now_iso: str, ready, go, results, profile=None) -> None:
    """Child process: a sender with its app ready, that runs once when told to.

    With ``profile`` (a file name), the run is profiled (cProfile) into that file.
    """
    import cProfile
    import datetime as dt

    from webapp import create_app
    from webapp.push import sender

    app = create_app(config)
    with app.app_context():
        one = sender.Sender.from_app()
        sender.settle_memory()  # as ``reminders worker`` does
        ready.wait()
        go.wait()
        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        stats = sender.run_once(now=dt.datetime.fromisoformat(now_iso), sender=one)
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile)
        results.put(stats.sent)


def run_senders(config: dict, now, processes: int, profile=None) -> tuple[float, int]:
    """Seconds for ``processes`` ready senders to send everything due at ``now``; and the count."""
    ctx = multiprocessing.get_context("spawn")
    ready, go, results = ctx.Barrier(processes + 1), ctx.Event(), ctx.Queue()
    children = [
        ctx.Process(
            target=sender_process, args=(config, now.isoformat(), ready, go, results, profile)
        )
        for _ in range(processes)
    ]
    for child in children:
        child.start()
    ready.wait(timeout=60)
    started = time.perf_counter()
    go.set()
    sent = sum(results.get(timeout=600) for _ in children)
    elapsed = time.perf_counter() - started
    for child in children:
        child.join(timeout=30)
    return elapsed, sent


#: Where a profiled sender's own time goes: the first group whose text is in a function's
#: file name (or, for built-ins, its name) counts it.
PROFILE_GROUPS = (
    ("encryption (pywebpush, http_ece, cryptography)", ("pywebpush", "http_ece", "cryptography")),
    ("HTTP client (aiohttp, yarl, multidict)", ("aiohttp", "yarl", "multidict", "propcache")),
    ("database (SQLAlchemy, sqlite3)", ("sqlalchemy", "sqlite3")),
    ("event loop (asyncio, uvloop)", ("asyncio", "uvloop")),
    ("JSON", ("json",)),
    ("SIM Exit (webapp)", ("webapp",)),
)


def print_profile(path: str) -> None:
    """Print a profiled run's own time by library, then its 15 costliest functions."""
    import pstats

    stats = pstats.Stats(path)
    total = sum(row[2] for row in stats.stats.values())  # type: ignore[attr-defined]
    groups: dict[str, float] = {}
    for (file, _, name), row in stats.stats.items():  # type: ignore[attr-defined]
        where = file if file != "~" else name
        group = next((g for g, keys in PROFILE_GROUPS if any(k in where for k in keys)), "other")
        groups[group] = groups.get(group, 0.0) + row[2]
    print(f"profile of one sender run ({total:.2f} s of own time; cProfile slows it down):")
    for group, seconds in sorted(groups.items(), key=lambda item: -item[1]):
        print(f"  {seconds / total:6.1%}  {group}")
    stats.sort_stats("tottime").print_stats(15)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000, help="due reminders (default 2000)")
    parser.add_argument(
        "--plain-count",
        type=int,
        default=None,
        help="messages for the plain pywebpush loop (default: --count)",
    )
    parser.add_argument(
        "--processes", default="1,2", help="sender process counts to measure (default 1,2)"
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=None,
        help="sender requests in flight per process (default: the app's "
        "SIMEXIT_PUSH_CONCURRENCY default)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each measurement; the median is printed (default 3)",
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="also profile one single-process run (cProfile) into FILE and print where "
        "its time goes, by library",
    )
    args = parser.parse_args(argv)
    plain_count = args.plain_count or args.count

    import sqlalchemy as sa
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from flask_migrate import upgrade
    from py_vapid import Vapid02
    from pywebpush import WebPusher, webpush

    from webapp import create_app, push
    from webapp.db import db
    from webapp.push import keys, messages, models, plans, schedule

    with CountingPushService() as service:
        origin = service.origin
        with tempfile.TemporaryDirectory() as tmp:
            config = {
                "TESTING": False,
                "BUILD_ON_START": False,
                "BUILD_DIR": os.path.join(tmp, "build"),
                "INSTANCE_PATH": os.path.join(tmp, "instance"),
                "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                "PUSH_SERVICES": origin,
                "RATELIMIT_ENABLED": False,
                "VAPID_SUBJECT": "mailto:bench@simexit.invalid",
            }
            if args.concurrency:
                config["PUSH_CONCURRENCY"] = args.concurrency
            app = create_app(config)
            with app.app_context():
                concurrency = push.settings().concurrency
                upgrade()
                now = dt.datetime.now(dt.UTC)
                day = (now + dt.timedelta(days=10)).date()
                [first, *_] = schedule.plan(day, "Asia/Baku", now)
                subs = []
                for i in range(args.count):
                    public = (
                        ec.generate_private_key(ec.SECP256R1())
                        .public_key()
                        .public_bytes(
                            serialization.Encoding.X962,
                            serialization.PublicFormat.UncompressedPoint,
                        )
                    )
                    sub = {
                        "endpoint": f"{origin}/push/{i}",
                        "keys": {
                            "p256dh": keys.b64url(public),
                            "auth": keys.b64url(os.urandom(16)),
                        },
                    }
                    subs.append(sub)
                    plans.create_plan(
                        sub,
                        locale="en",
                        operator="azercell",
                        day=day,
                        timezone="Asia/Baku",
                        reminders=[first],
                        now=now,
                    )
                data = messages.payload(
                    kind="unbind",
                    operator="azercell",
                    locale="en",
                    plan_id="x" * 22,
                    due=first.due,
                )

                push.vapid_key()  # created once, shared by the sender processes

                def reset_reminders() -> None:
                    """Make every reminder due and unsent again."""
                    db.session.execute(
                        sa.update(models.Reminder).values(
                            state="pending",
                            attempts=0,
                            claim=None,
                            claimed_until=None,
                            sent_at=None,
                            last_status=None,
                        )
                    )
                    db.session.commit()

                # 1. Our sender, end to end (claim, send, record), in 1..N processes.
                ours: dict[int, list[float]] = {}
                for processes in (int(p) for p in args.processes.split(",")):
                    for _ in range(args.repeat):
                        reset_reminders()
                        seconds, sent = run_senders(config, first.due, processes)
                        assert sent == args.count, (processes, sent)
                        ours.setdefault(processes, []).append(args.count / seconds)

                if args.profile:  # one more run, profiled: not in the figures above
                    reset_reminders()
                    run_senders(config, first.due, 1, profile=args.profile)

                # 2. A plain loop of pywebpush.webpush(): a new connection and JWT each time.
                key = Vapid02(push.vapid_key().private)
                plain = []
                for _ in range(args.repeat):
                    started = time.perf_counter()
                    for sub in subs[:plain_count]:
                        webpush(
                            sub,
                            data,
                            vapid_private_key=key,
                            ttl=3600,
                            vapid_claims={"sub": "mailto:bench@simexit.invalid", "aud": origin},
                            timeout=10,
                        )
                    plain.append(plain_count / (time.perf_counter() - started))

                # 3. Encryption only (ECDH + HKDF + AES-GCM per message).
                pushers = [WebPusher(sub) for sub in subs]
                encrypt = []
                for _ in range(args.repeat):
                    started = time.perf_counter()
                    for pusher in pushers:
                        pusher.encode(data)
                    encrypt.append((time.perf_counter() - started) / len(pushers))
            delivered = service.count()

    def spread(values: list[float]) -> str:
        return f"median of {len(values)}, range {min(values):.0f}-{max(values):.0f}"

    plain_rate = statistics.median(plain)
    print(
        f"due reminders:            {args.count} ({len(data)}-byte payload, loopback, SQLite, "
        f"{os.cpu_count()} CPUs)"
    )
    print(
        f"plain pywebpush loop:     {plain_rate:8.0f} msg/s  ({spread(plain)}, "
        f"{plain_count} messages)"
    )
    for processes, rates in ours.items():
        rate = statistics.median(rates)
        print(
            f"sender, {processes} process(es):  {rate:8.0f} msg/s  ({spread(rates)}; "
            f"claim+send+record, {concurrency} in flight each)  "
            f"{rate / plain_rate:5.1f}x the plain loop (target >= 5x)"
        )
    per_message = statistics.median(encrypt)
    print(
        f"encryption only:          {per_message * 1e6:8.0f} us/msg "
        f"({1 / per_message:.0f} msg/s on one core)"
    )
    if args.profile:
        print_profile(args.profile)
    expected = args.repeat * (args.count * len(ours) + plain_count) + (
        args.count if args.profile else 0
    )
    print(f"push service accepted:    {delivered} (expected {expected})")
    if delivered != expected:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
