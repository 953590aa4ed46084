"""Push sending throughput on loopback: our sender beside a plain pywebpush loop.

Prints messages per second for N due reminders (default 2,000) sent by
``webapp.push.sender`` (claim, encrypt, concurrent sends on one aiohttp session,
cached VAPID header, record), a plain loop of ``pywebpush.webpush()`` over the
same subscriptions in the same run, and the encryption-only cost per message.

The sender is measured as one process and as several (``--processes``, default
1 and 2: one per core), each a long-running sender (``reminders worker``) that
is started and ready before the clock starts; they share the SQLite database and
claim disjoint batches. The push service runs in a child process
(tests/pushservice.py in counting mode), so it does not share the senders'
interpreter lock. Nothing leaves 127.0.0.1.
Run: ``.venv/bin/python bench/bench_push.py [--count 2000] [--processes 1,2]``.
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


def sender_process(config: dict, now_iso: str, ready, go, results) -> None:
    """Child process: a sender with its app ready, that runs once when told to."""
    import datetime as dt

    from webapp import create_app
    from webapp.push import sender

    app = create_app(config)
    with app.app_context():
        one = sender.Sender.from_app()
        ready.wait()
        go.wait()
        results.put(sender.run_once(now=dt.datetime.fromisoformat(now_iso), sender=one).sent)


def run_senders(config: dict, now, processes: int) -> tuple[float, int]:
    """Seconds for ``processes`` ready senders to send everything due at ``now``; and the count."""
    ctx = multiprocessing.get_context("spawn")
    ready, go, results = ctx.Barrier(processes + 1), ctx.Event(), ctx.Queue()
    children = [ctx.Process(target=sender_process, args=(config, now.isoformat(), ready, go,
                                                         results)) for _ in range(processes)]
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


def count(origin: str) -> int:
    with urllib.request.urlopen(origin + "/count", timeout=5) as response:
        return int(response.read())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000, help="due reminders (default 2000)")
    parser.add_argument("--plain-count", type=int, default=None,
                        help="messages for the plain pywebpush loop (default: --count)")
    parser.add_argument("--processes", default="1,2",
                        help="sender process counts to measure (default 1,2)")
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
            config = {"TESTING": False, "BUILD_ON_START": False,
                      "BUILD_DIR": os.path.join(tmp, "build"),
                      "INSTANCE_PATH": os.path.join(tmp, "instance"),
                      "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                      "PUSH_SERVICES": origin, "PUSH_CONCURRENCY": args.concurrency,
                      "RATELIMIT_ENABLED": False,
                      "VAPID_SUBJECT": "mailto:bench@simexit.invalid"}
            app = create_app(config)
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

                push.vapid_key()  # created once, shared by the sender processes

                # 1. Our sender, end to end (claim, send, record), in 1..N processes.
                ours = {}
                for processes in (int(p) for p in args.processes.split(",")):
                    store.db.session.execute(store.sa.update(store.Reminder).values(
                        state="pending", attempts=0, claim=None, claimed_until=None,
                        sent_at=None, last_status=None))
                    store.db.session.commit()
                    ours[processes], sent = run_senders(config, first.due, processes)
                    assert sent == args.count, (processes, sent)

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

    plain_rate = plain_count / plain
    print(f"due reminders:            {args.count} ({len(data)}-byte payload, loopback, SQLite, "
          f"{os.cpu_count()} CPUs)")
    print(f"plain pywebpush loop:     {plain_rate:8.0f} msg/s  ({plain:.2f} s for {plain_count})")
    for processes, seconds in ours.items():
        rate = args.count / seconds
        print(f"sender, {processes} process(es):  {rate:8.0f} msg/s  ({seconds:.2f} s, "
              f"claim+send+record, {args.concurrency} in flight each)  "
              f"{rate / plain_rate:5.1f}x the plain loop (target >= 5x)")
    print(f"encryption only:          {encrypt / len(pushers) * 1e6:8.0f} us/msg "
          f"({len(pushers) / encrypt:.0f} msg/s on one core)")
    expected = args.count * len(ours) + plain_count
    print(f"push service accepted:    {delivered} (expected {expected})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
