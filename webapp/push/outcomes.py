"""What a push service's answer means for a reminder, and the counts of a run.

Each answer is classified, nothing is swallowed:

- 201/202: sent.
- 404/410: the subscription is gone; it is deleted with its plan.
- 413: our payload is too large, a bug: logged as an error, recorded as failed.
- 429, 5xx, connection errors and timeouts: retried with exponential backoff,
  or after ``Retry-After`` when the push service gives one; a short wait happens
  in the run (:class:`Retry`), a longer one is rescheduled in the database; after
  ``max_attempts`` the reminder is recorded as failed.
- any other status (400, 401, 403…): recorded as failed and logged.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
from dataclasses import dataclass, fields

from .config import PushSettings
from .models import EXPIRED, FAILED, PENDING, SENT
from .queue import GONE, Due, Outcome

log = logging.getLogger(__name__)

#: Never wait longer than this before a retry, whatever Retry-After says.
MAX_RETRY_DELAY = 6 * 3600


@dataclass(frozen=True)
class Retry:
    """Try again in this run, after ``delay`` seconds."""

    delay: float


def judge(
    due: Due,
    attempts: int,
    answer: tuple[int | None, float | None, str | None],
    *,
    config: PushSettings,
    now: dt.datetime,
    size: int,
) -> Outcome | Retry:
    """What to do after attempt number ``attempts`` got ``answer``: (status, Retry-After
    seconds, network error), either a status or an error. ``size``: the encrypted body's
    length, for the log."""
    status, retry_after, error = answer
    if status in (201, 202):
        return Outcome(due, SENT, attempts, status)
    if status in (404, 410):
        return Outcome(due, GONE, attempts, status)
    if status == 413:
        log.error(
            "reminder %s: push service says payload too large (%d bytes): a bug", due.id, size
        )
        return Outcome(due, FAILED, attempts, status, "payload too large")
    if status is not None and status != 429 and status < 500:
        log.error("reminder %s: push service answered %s", due.id, status)
        return Outcome(due, FAILED, attempts, status, f"HTTP {status}")
    error = error or f"HTTP {status}"
    if attempts >= config.max_attempts:
        log.warning("reminder %s: giving up after %d attempts (%s)", due.id, attempts, error)
        return Outcome(due, FAILED, attempts, status, error)
    delay = retry_after if retry_after is not None else config.retry_base * 2 ** (attempts - 1)
    delay = min(delay, MAX_RETRY_DELAY)
    if delay > config.retry_inline_max:
        retry_at = now + dt.timedelta(seconds=delay)
        return Outcome(due, PENDING, attempts, status, error, retry_at=retry_at)
    return Retry(delay)


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """``Retry-After`` in seconds from ``now`` (delta-seconds or HTTP date); ``None`` if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


@dataclass
class Stats:
    """Counts of one run."""

    sent: int = 0
    rescheduled: int = 0
    failed: int = 0
    expired: int = 0
    unsubscribed: int = 0
    cleaned: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.rescheduled + self.failed + self.expired + self.unsubscribed

    def add(self, outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            name = _STAT_OF_STATE[outcome.state]
            setattr(self, name, getattr(self, name) + 1)

    def summary(self) -> str:
        return ", ".join(f"{f.name} {getattr(self, f.name)}" for f in fields(self))


_STAT_OF_STATE = {
    SENT: "sent",
    PENDING: "rescheduled",
    FAILED: "failed",
    EXPIRED: "expired",
    GONE: "unsubscribed",
}
