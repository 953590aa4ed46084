"""The reminder plan: pure functions of operator, date, time zone and "now".

No Flask, no database, no clock: the caller passes ``now`` (an aware datetime),
so every rule here is testable as a plain function.

Each reminder is sent at a fixed local hour of the traveller's time zone (the
IANA name their browser reports), always in the daytime. A reminder whose
moment has passed when the plan is made is skipped, so a plan made late starts
with what is still ahead.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import holidays

UTC = dt.UTC
HOUR = 3600


@dataclass(frozen=True)
class Rule:
    """When one kind of reminder is due, and how the push service should treat it."""

    kind: str
    #: Days from the closing day (negative: before).
    day_offset: int
    #: Local wall-clock time; all between 09:00 and 18:00, so never at night.
    local_time: dt.time
    #: Seconds the push service keeps the message for an offline phone: until the
    #: reminder is stale (the next step is near), never 0 (pywebpush's default).
    ttl: int
    #: RFC 8030 Urgency: "high" only for the day itself.
    urgency: str


#: The four reminders of a plan, in the order they are sent.
RULES: tuple[Rule, ...] = (
    # Unbind banks, payment apps, messengers and 2FA while SMS codes still arrive.
    Rule("unbind", -3, dt.time(10, 0), ttl=48 * HOUR, urgency="normal"),
    # Spend or move the balance; pack the passport and the SIM (evening before).
    Rule("prepare", -1, dt.time(18, 0), ttl=14 * HOUR, urgency="normal"),
    # Terminate the contract, not only the line; ask for a confirmation.
    Rule("close", 0, dt.time(9, 0), ttl=8 * HOUR, urgency="high"),
    # Check that the number is really closed and nothing still texts it.
    Rule("verify", 2, dt.time(10, 0), ttl=72 * HOUR, urgency="normal"),
)
RULES_BY_KIND: dict[str, Rule] = {rule.kind: rule for rule in RULES}

#: How far ahead a closing day may be chosen.
MAX_DAYS_AHEAD = 365
#: Bound on the search for the next working day (the longest Azerbaijani holiday
#: run, Novruz with carry-overs, is about ten days).
MAX_WORKING_DAY_SEARCH = 31


@dataclass(frozen=True)
class Reminder:
    """One planned reminder: its kind and when it is due (aware, UTC)."""

    kind: str
    due: dt.datetime


@dataclass(frozen=True)
class WorkingDay:
    """Whether a day is a working day in Azerbaijan and, if not, why and what instead."""

    date: dt.date
    ok: bool
    #: ``"weekend"`` or ``"holiday"`` (a holiday on a weekend says ``"holiday"``).
    reason: str | None = None
    #: The holiday's English name from the ``holidays`` library.
    holiday: str | None = None
    #: The next working day, when ``ok`` is false.
    suggested: dt.date | None = None


@functools.cache
def _valid_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; ``ValueError`` if it is not one."""
    if not isinstance(name, str) or name not in _valid_zones():
        raise ValueError(f"unknown time zone {name!r}")
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError as e:  # listed but unreadable: treat as unknown
        raise ValueError(f"unknown time zone {name!r}") from e


def local_moment(day: dt.date, at: dt.time, tz: ZoneInfo) -> dt.datetime:
    """``day`` at wall-clock ``at`` in ``tz``, as an aware UTC datetime.

    A time skipped by a DST change moves forward past the gap; a repeated time
    takes its first occurrence.
    """
    # PEP 495: with fold=0 a time in a gap is read with the offset from before the
    # change, which lands after the gap; a repeated time gets its first occurrence.
    return dt.datetime.combine(day, at, tzinfo=tz).replace(fold=0).astimezone(UTC)


def plan(day: dt.date, timezone: str, now: dt.datetime) -> list[Reminder]:
    """The reminders still ahead of ``now`` for closing the number on ``day``.

    :param timezone: IANA name of the traveller's device time zone.
    :param now: aware datetime; items due at or before it are skipped.
    :raise ValueError: unknown time zone or naive ``now``.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    tz = zone(timezone)
    reminders = []
    for rule in RULES:
        due = local_moment(day + dt.timedelta(days=rule.day_offset), rule.local_time, tz)
        if due > now:
            reminders.append(Reminder(rule.kind, due))
    return reminders


def local_today(timezone: str, now: dt.datetime) -> dt.date:
    """The date it is in ``timezone`` at ``now``."""
    return now.astimezone(zone(timezone)).date()


def too_far(day: dt.date, timezone: str, now: dt.datetime) -> bool:
    """Whether ``day`` is more than :data:`MAX_DAYS_AHEAD` days after today there."""
    return (day - local_today(timezone, now)).days > MAX_DAYS_AHEAD


@functools.cache
def _holidays(year: int) -> holidays.HolidayBase:
    # One year per object: a fixed ``years`` never grows behind our back, and the
    # cache makes each year's computation happen once per process.
    return holidays.country_holidays("AZ", years=year, language="en_US")


def holiday_name(day: dt.date) -> str | None:
    """The Azerbaijani public holiday on ``day`` (observed carry-overs included), if any."""
    return _holidays(day.year).get(day)


def is_working_day(day: dt.date) -> bool:
    """Neither a weekend (Saturday, Sunday) nor an Azerbaijani public holiday."""
    return day.weekday() not in _holidays(day.year).weekend and holiday_name(day) is None


def next_working_day(day: dt.date) -> dt.date:
    """The first working day after ``day``."""
    for offset in range(1, MAX_WORKING_DAY_SEARCH + 1):
        candidate = day + dt.timedelta(days=offset)
        if is_working_day(candidate):
            return candidate
    raise RuntimeError(f"no working day within {MAX_WORKING_DAY_SEARCH} days of {day}")


def working_day(day: dt.date) -> WorkingDay:
    """Check ``day`` for the closing visit; suggest the next working day if shops may be shut."""
    if is_working_day(day):
        return WorkingDay(day, ok=True)
    name = holiday_name(day)
    return WorkingDay(
        day,
        ok=False,
        reason="holiday" if name else "weekend",
        holiday=name,
        suggested=next_working_day(day),
    )
