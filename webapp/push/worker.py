"""The reminders worker: send what is due every poll period, through database outages.

``flask --app webapp reminders worker`` (the Procfile's ``worker:``) calls :func:`work`,
which runs until a signal stops it:

- **Outages cost a delay, never the process.** A run that meets an unreachable
  database (stopped, restarting, failing over) is logged in one line and followed by
  a wait that doubles from ``REMINDERS_BACKOFF_FIRST`` to at most
  ``REMINDERS_BACKOFF_MAX`` seconds, less a random part of up to half (jitter: many
  workers do not all knock at the same instant when the database comes back). What fell
  due meanwhile is sent by the first run that reaches the database; pooled connections
  are checked before use (``db.py``), so that run does not trip over a dead one.
- Any other error of a run is logged with its traceback and waited out the same way: a
  bug that breaks one run must not stop the reminders of every other plan.
- **SIGTERM or SIGINT** stops it gently: the batch in flight is sent and recorded, no
  other batch is claimed, and the process exits 0. A second signal stops it at once;
  the claims it still holds then expire after their lease and another run sends them,
  as after a crash (``queue.py``). So does a batch whose recording met an outage.
"""

from __future__ import annotations

import logging
import random
import signal
import time
from collections.abc import Callable
from types import FrameType

from flask import current_app

from ..db import db, unavailable
from ..db import describe as describe_error
from .config import PushSettings
from .sender import Sender, run_once

log = logging.getLogger(__name__)

#: The longest single sleep, so a signal is acted on within this many seconds.
SLEEP_SLICE = 1.0


def backoff(
    failures: int, *, first: float, cap: float, rand: Callable[[], float] = random.random
) -> float:
    """Seconds to wait after ``failures`` (≥ 1) failed runs in a row.

    ``first``, doubled with each failure, at most ``cap``; then less a random part of up
    to half of it, so the result lies in ``[delay / 2, delay]``.
    """
    delay = min(cap, first * 2.0 ** min(failures - 1, 60))
    return delay * (1.0 - rand() / 2.0)


class Stop:
    """Set by SIGTERM/SIGINT: finish the batch in flight, then return from :func:`work`."""

    def __init__(self, sender: Sender) -> None:
        self.sender = sender
        self.requested = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:  # noqa: ARG002
        if self.requested:
            raise KeyboardInterrupt  # a second signal: stop now
        self.requested = True
        self.sender.stopping = True  # no further batch in the run under way

    def sleep(self, seconds: float) -> None:
        """Sleep ``seconds``, or less when a stop is requested."""
        deadline = time.monotonic() + seconds
        while not self.requested and time.monotonic() < deadline:
            time.sleep(min(SLEEP_SLICE, max(0.0, deadline - time.monotonic())))


def _forget_session() -> None:
    """Drop the session and its connection after a failed run, ready for the next one."""
    try:
        db.session.remove()
    except Exception:  # noqa: BLE001 - the connection died with the database; the pool replaces it
        log.debug("reminders: closing the session after a failed run", exc_info=True)


def work(sender: Sender, config: PushSettings, *, runs: int | None = None) -> None:
    """Run ``sender`` every ``poll_seconds`` until a signal (or ``runs`` runs); in an app context.

    It says that it started and what each run did (INFO, through Flask's log handler),
    unless logging was configured otherwise.
    """
    stop = Stop(sender)
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    package_log = logging.getLogger(__package__)
    level = package_log.level
    if level == logging.NOTSET:
        current_app.logger  # noqa: B018 - creating it installs Flask's handler on "webapp"
        package_log.setLevel(logging.INFO)
    log.info("reminders: worker started, a run every %g s", config.poll_seconds)
    try:
        count = failures = 0
        while not stop.requested and (runs is None or count < runs):
            try:
                stats = run_once(sender=sender)
            except Exception as e:  # noqa: BLE001 - faults cost a delay, never the worker
                failures += 1
                wait = backoff(failures, first=config.backoff_first, cap=config.backoff_max)
                if unavailable(e):
                    log.warning(
                        "reminders: database unavailable (%s); next try in %.1f s",
                        describe_error(e),
                        wait,
                    )
                else:
                    log.exception("reminders: run failed; next try in %.1f s", wait)
                _forget_session()
            else:
                if failures:
                    log.warning("reminders: runs work again after %d failed", failures)
                failures, wait = 0, config.poll_seconds
                if stats.total:
                    log.info("reminders: %s", stats.summary())
            count += 1
            if runs is None or count < runs:
                stop.sleep(wait)
    except KeyboardInterrupt:
        pass
    finally:
        log.info("reminders: worker stopped")
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        package_log.setLevel(level)
