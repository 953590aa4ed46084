"""Send due reminders: claim a batch, send it concurrently, record what happened.

One run keeps one aiohttp session (connections are reused per push service),
sends up to ``concurrency`` requests at once, and signs one VAPID header per
push service origin, reused while it stays valid.

Each answer is classified by :mod:`.outcomes` (sent, gone, retried here or later, failed).

Outcomes are recorded while the batch is still being sent (every
``RECORD_INTERVAL``), and the batch's open claims are renewed while it runs. Any
other exception propagates, and a sender may be killed: the claims it still holds
then expire and another run sends those reminders again (same notification tag
and push Topic, so a phone that already got one replaces it).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import logging
import time
from collections.abc import Callable

import aiohttp
from flask import current_app

try:  # libuv's event loop: fewer cycles per request than asyncio's own
    import uvloop
except ImportError:  # not on Windows: asyncio's loop does the same job, a little slower
    uvloop = None  # type: ignore[assignment]
from pywebpush import WebPusher
from yarl import URL

from . import messages, queue, schedule, utcnow, vapid_key
from .config import PushSettings, origin_allowed, origin_of, settings
from .keys import VapidKey
from .models import EXPIRED, FAILED
from .outcomes import Stats, judge, retry_after_seconds
from .queue import Due, Outcome

log = logging.getLogger(__name__)

#: A VAPID token is valid this long (RFC 8292 allows at most 24 hours).
VAPID_LIFETIME = 12 * 3600
#: A cached token is replaced when less than this is left of it.
VAPID_REFRESH_MARGIN = 3600
#: Upper bound on batches in one run (each claims up to ``batch_size`` reminders).
MAX_BATCHES = 10_000
#: Outcomes are recorded as they come, at least this often (seconds) and in groups of at
#: most ``RECORD_EVERY``: a sender killed mid-batch leaves only its last moments' sends
#: unrecorded, so few reminders are sent twice after a crash.
RECORD_INTERVAL = 0.25
RECORD_EVERY = 100
#: Allocations between two collections of the youngest generation in a sending process
#: (Python's default is 700); see :func:`settle_memory`.
YOUNG_GC_THRESHOLD = 10_000


class Sender:
    """Sends claimed reminders; keeps the VAPID header cache between runs."""

    def __init__(
        self,
        *,
        key: VapidKey,
        config: PushSettings,
        public_url: str = "",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.key = key
        self.config = config
        self.public_url = public_url
        self.clock = clock
        self._vapid: dict[str, tuple[str, int]] = {}
        self._notes: dict[tuple[str, str, str], str] = {}
        #: Set (by the worker's SIGTERM) to end a run after the batch in flight.
        self.stopping = False

    @classmethod
    def from_app(cls) -> Sender:
        config = settings()
        return cls(key=vapid_key(), config=config, public_url=config.public_url)

    def vapid_header(self, origin: str) -> str:
        """The Authorization header for ``origin``, signed once and reused while valid."""
        now = int(self.clock())
        cached = self._vapid.get(origin)
        if cached is None or cached[1] - now < VAPID_REFRESH_MARGIN:
            expires = now + VAPID_LIFETIME
            header = self.key.authorization(
                audience=origin, subject=self.config.subject, expires=expires
            )
            cached = self._vapid[origin] = (header, expires)
        return cached[0]

    async def _post(
        self,
        session: aiohttp.ClientSession,
        url: URL,
        body: bytes,
        headers: dict[str, str],
        limit: asyncio.Semaphore,
    ) -> tuple[int | None, float | None, str | None]:
        """One request: (status, Retry-After seconds, network error); either status or error."""
        async with limit:
            try:
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()  # the body (an error's reason) frees the connection
                    status, retry_after = response.status, response.headers.get("Retry-After")
            except (aiohttp.ClientError, TimeoutError) as e:
                return None, None, f"{type(e).__name__}: {e}"[:200]
        return status, retry_after_seconds(retry_after, self.clock()), None

    async def deliver(
        self, session: aiohttp.ClientSession, due: Due, now: dt.datetime, limit: asyncio.Semaphore
    ) -> Outcome:
        """Send one reminder, retrying transient failures; return what happened."""
        config = self.config
        origin = origin_of(due.endpoint)
        # The allow-list may have shrunk since the subscription was stored.
        if not origin_allowed(origin, config.services):
            log.warning("reminder %s: endpoint no longer allowed", due.id)
            return Outcome(due, FAILED, due.attempts, error="endpoint not allowed")
        rule = schedule.RULES_BY_KIND[due.kind]
        stale = due.due + dt.timedelta(seconds=rule.ttl)
        if now >= stale:  # too late to be useful (the sender was down): do not send
            return Outcome(due, EXPIRED, due.attempts)
        key = (due.kind, due.operator, due.locale)
        if key not in self._notes:
            self._notes[key] = messages.rendered(*key, public_url=self.public_url)
        data = messages.payload(
            kind=due.kind,
            operator=due.operator,
            locale=due.locale,
            plan_id=due.plan_id,
            due=due.due,
            public_url=self.public_url,
            note=self._notes[key],
        )
        ttl = int((stale - now).total_seconds())
        # pywebpush encrypts (RFC 8291, aes128gcm, a fresh key per message); the request is
        # the one its ``send_async`` would make, with headers built once.
        body = WebPusher(due.subscription_info).encode(data)["body"]
        headers = {
            "Content-Encoding": "aes128gcm",
            "TTL": str(ttl),
            "Urgency": rule.urgency,
            "Topic": due.kind,
        }
        # Read as aiohttp reads a URL string (requoted, as pywebpush's send_async sent it).
        url = URL(due.endpoint)
        attempts = due.attempts
        for _ in range(config.max_attempts):
            attempts += 1
            headers["Authorization"] = self.vapid_header(origin)
            answer = await self._post(session, url, body, headers, limit)
            verdict = judge(due, attempts, answer, config=config, now=now, size=len(body))
            if isinstance(verdict, Outcome):
                return verdict
            await asyncio.sleep(verdict.delay)
        return Outcome(due, FAILED, attempts, error="attempts exhausted")

    async def send_batch(
        self,
        session: aiohttp.ClientSession,
        batch: list[Due],
        now: dt.datetime,
        limit: asyncio.Semaphore,
        stats: Stats,
    ) -> None:
        """Send one claimed batch concurrently, recording outcomes as they come in.

        While requests are in flight the claims still open are renewed every third of
        the lease, so a slow push service never lets another sender take them over.
        """
        lease = dt.timedelta(seconds=self.config.lease_seconds)
        finished: list[asyncio.Task] = []  # filled by the tasks' done callbacks, in order
        wake = asyncio.Event()

        def on_done(task: asyncio.Task) -> None:
            finished.append(task)
            wake.set()

        tasks = [asyncio.create_task(self.deliver(session, due, now, limit)) for due in batch]
        for task in tasks:
            task.add_done_callback(on_done)
        open_ids = {due.id for due in batch}
        buffer: list[Outcome] = []
        taken = 0  # how many of ``finished`` are in ``buffer`` or recorded
        last_record = last_renew = time.monotonic()
        try:
            while open_ids:
                if taken == len(finished):  # one wake-up for however many finished meanwhile
                    wake.clear()
                    try:
                        async with asyncio.timeout(RECORD_INTERVAL):
                            await wake.wait()
                    except TimeoutError:
                        pass
                while taken < len(finished) and len(buffer) < RECORD_EVERY:
                    buffer.append(finished[taken].result())  # a bug in deliver() propagates here
                    taken += 1
                clock = time.monotonic()
                if buffer and (
                    len(buffer) >= RECORD_EVERY
                    or len(buffer) == len(open_ids)
                    or clock - last_record >= RECORD_INTERVAL
                ):
                    queue.record(buffer, now)
                    stats.add(buffer)
                    open_ids.difference_update(o.due.id for o in buffer)
                    buffer, last_record = [], clock
                if open_ids and clock - last_renew >= lease.total_seconds() / 3:
                    queue.renew(batch[0].claim, open_ids, lease=lease)
                    last_renew = clock
        finally:
            for task in tasks:
                task.cancel()

    async def run(self, now: dt.datetime) -> Stats:
        """Claim and send batches until nothing is due at ``now``; then clean up old plans."""
        config = self.config
        stats = Stats()
        self._notes.clear()  # texts are rendered once per run: catalogs may change between runs
        lease = dt.timedelta(seconds=config.lease_seconds)
        limit = asyncio.Semaphore(config.concurrency)
        connector = aiohttp.TCPConnector(limit=config.concurrency)
        timeout = aiohttp.ClientTimeout(total=config.timeout)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            for _ in range(MAX_BATCHES):
                if self.stopping:
                    break
                batch = queue.claim_due(now, limit=config.batch_size, lease=lease)
                if not batch:
                    break
                await self.send_batch(session, batch, now, limit, stats)
        stats.cleaned = queue.cleanup(now)
        return stats


def settle_memory() -> None:
    """Prepare a process that will send many messages: call once, after start-up.

    What start-up built (the app, its catalogs, the models) is moved out of the cyclic
    garbage collector's sight (``gc.freeze``), and young objects may pile up longer before
    a collection: a send makes many short-lived objects (requests, futures, keys) and
    almost no cycles. Worth about 7 % of a sender's CPU per message (bench/bench_push.py).
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GC_THRESHOLD, middle, old)


def run_once(*, now: dt.datetime | None = None, sender: Sender | None = None) -> Stats:
    """Send everything due at ``now`` (default: the current time) once; needs an app context."""
    current_app.logger.debug("reminders: run at %s", now)
    sender = sender or Sender.from_app()
    coro = sender.run(now or utcnow())
    return uvloop.run(coro) if uvloop is not None else asyncio.run(coro)
