"""Push sending throughput on loopback: our sender beside a plain pywebpush loop.

Prints messages per second for N due reminders (default 2,000) sent by
``webapp.push.sender`` (claim, encrypt, concurrent sends on one aiohttp session,
cached VAPID header, record), a plain loop of ``pywebpush.webpush()`` over the
same subscriptions in the same run, and the encryption-only cost per message.

The push service runs in a child process (tests/pushservice.py in counting
mode), so it does not share the sender's interpreter lock. Nothing leaves
127.0.0.1. Run: ``/tmp/venv/bin/python bench/bench_push.py [--count 2000]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(HERE), os.path.join(os.path.dirname(HERE), "tests")]

from pushservice import PushService  # noqa: E402


def serve(conn) -> None:
    """Child process: a counting push service until the parent closes the pipe."""
    with PushService(check=False) as service:
        conn.send(service.origin)
        conn.recv()  # blocks until the parent says stop (or dies: EOFError)


def count(origin: str) -> int:
    with urllib.request.urlopen(origin + "/count", timeout=5) as response:
        return int(response.read())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000, help="due reminders (default 2000)")
    parser.add_argument("--plain-count", type=int, default=None,
                        help="messages for the plain pywebpush loop (default: --count)")
    parser.add_argument("--concurrency", type=int, default=8,
                        help="sender requests in flight (default 8: the threaded loopback service "
                             "slows down with more threads; real push services do not)")
    args = parser.parse_args(argv)
    plain_count = args.plain_count or args.count

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from flask_migrate import upgrade
    from py_vapid import Vapid02
    from pywebpush import WebPusher, webpush

    from webapp import create_app, push
    from webapp.push import keys, messages, schedule, sender, store

    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    server = ctx.Process(target=serve, args=(child,), daemon=True)
    server.start()
    try:
        if not parent.poll(15):
            raise SystemExit("push service did not start")
        origin = parent.recv()
        with tempfile.TemporaryDirectory() as tmp:
            app = create_app({"TESTING": False, "BUILD_ON_START": False,
                              "BUILD_DIR": os.path.join(tmp, "build"),
                              "INSTANCE_PATH": os.path.join(tmp, "instance"),
                              "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                              "PUSH_SERVICES": origin, "PUSH_CONCURRENCY": args.concurrency,
                              "VAPID_SUBJECT": "mailto:bench@simexit.invalid"})
            with app.app_context():
                upgrade()
                now = dt.datetime.now(dt.UTC)
                day = (now + dt.timedelta(days=10)).date()
                [first, *_] = schedule.plan(day, "Asia/Baku", now)
                subs = []
                for i in range(args.count):
                    public = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
                        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
                    sub = {"endpoint": f"{origin}/push/{i}",
                           "keys": {"p256dh": keys.b64url(public), "auth": keys.b64url(os.urandom(16))}}
                    subs.append(sub)
                    store.create_plan(sub, locale="en", operator="azercell", day=day,
                                      timezone="Asia/Baku", reminders=[first], now=now)
                data = messages.payload(kind="unbind", operator="azercell", locale="en",
                                        plan_id="x" * 22, due=first.due)

                # 1. Our sender, end to end (claim, send, record).
                started = time.perf_counter()
                stats = sender.run_once(now=first.due)
                ours = time.perf_counter() - started
                assert stats.sent == args.count, stats.summary()

                # 2. A plain loop of pywebpush.webpush(): a new connection and JWT each time.
                key = Vapid02(push.vapid_key().private)
                started = time.perf_counter()
                for sub in subs[:plain_count]:
                    webpush(sub, data, vapid_private_key=key, ttl=3600,
                            vapid_claims={"sub": "mailto:bench@simexit.invalid", "aud": origin},
                            timeout=10)
                plain = time.perf_counter() - started

                # 3. Encryption only (ECDH + HKDF + AES-GCM per message).
                pushers = [WebPusher(sub) for sub in subs]
                started = time.perf_counter()
                for pusher in pushers:
                    pusher.encode(data)
                encrypt = time.perf_counter() - started
            delivered = count(origin)
    finally:
        parent.send("stop")
        server.join(timeout=10)
        if server.is_alive():
            server.terminate()

    ours_rate, plain_rate = args.count / ours, plain_count / plain
    print(f"due reminders:            {args.count} ({len(data)}-byte payload, loopback, SQLite)")
    print(f"sender (ours):            {ours_rate:8.0f} msg/s  ({ours:.2f} s, claim+send+record, "
          f"{args.concurrency} in flight)")
    print(f"plain pywebpush loop:     {plain_rate:8.0f} msg/s  ({plain:.2f} s for {plain_count})")
    print(f"speed-up:                 {ours_rate / plain_rate:8.1f}x  (target >= 5x)")
    print(f"encryption only:          {encrypt / len(pushers) * 1e6:8.0f} us/msg "
          f"({len(pushers) / encrypt:.0f} msg/s on one core)")
    print(f"push service accepted:    {delivered} (expected {args.count + plain_count})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
