"""The reminder plan: local hours, time zones, past items, weekends and holidays."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from webapp.push import schedule

UTC = dt.UTC
DAY = dt.date(2026, 6, 10)  # a Wednesday
LONG_AGO = dt.datetime(2026, 1, 1, tzinfo=UTC)


def local_hours(reminders, timezone):
    return {
        r.kind: r.due.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M") for r in reminders
    }


def test_four_reminders_at_local_daytime_hours():
    reminders = schedule.plan(DAY, "Asia/Baku", LONG_AGO)
    assert [r.kind for r in reminders] == ["unbind", "prepare", "close", "verify"]
    assert local_hours(reminders, "Asia/Baku") == {
        "unbind": "2026-06-07 10:00",  # three days before
        "prepare": "2026-06-09 18:00",  # the evening before
        "close": "2026-06-10 09:00",  # on the day
        "verify": "2026-06-12 10:00",  # two days after
    }
    assert all(r.due.tzinfo is UTC for r in reminders)


def test_baku_has_no_dst_so_utc_times_never_move():
    winter = schedule.plan(dt.date(2026, 1, 14), "Asia/Baku", LONG_AGO)
    summer = schedule.plan(dt.date(2026, 7, 15), "Asia/Baku", LONG_AGO)
    assert [r.due.time() for r in winter] == [r.due.time() for r in summer]
    assert winter[0].due.hour == 6  # 10:00 at UTC+4


def test_traveller_zone_across_a_dst_change_keeps_local_hours():
    # Europe/Berlin moves to summer time on 2026-03-29, between unbind and close.
    reminders = schedule.plan(dt.date(2026, 3, 30), "Europe/Berlin", LONG_AGO)
    assert local_hours(reminders, "Europe/Berlin")["unbind"] == "2026-03-27 10:00"
    assert local_hours(reminders, "Europe/Berlin")["close"] == "2026-03-30 09:00"
    assert reminders[0].due.hour == 9  # CET, UTC+1
    assert reminders[2].due.hour == 7  # CEST, UTC+2


def test_time_in_a_dst_gap_moves_forward():
    berlin = ZoneInfo("Europe/Berlin")
    moment = schedule.local_moment(dt.date(2026, 3, 29), dt.time(2, 30), berlin)
    assert moment.astimezone(berlin).strftime("%H:%M") == "03:30"


@pytest.mark.parametrize(
    "timezone",
    [
        "Asia/Baku",
        "America/Los_Angeles",
        "Asia/Shanghai",
        "Pacific/Kiritimati",
        "America/Santiago",
        "UTC",
    ],
)
def test_never_at_night_in_any_zone(timezone):
    for month in range(1, 13):
        for r in schedule.plan(dt.date(2026, month, 15), timezone, LONG_AGO):
            assert 9 <= r.due.astimezone(ZoneInfo(timezone)).hour <= 18


def test_past_items_are_skipped_a_late_plan_starts_with_what_is_ahead():
    now = dt.datetime(2026, 6, 9, 12, 0, tzinfo=ZoneInfo("Asia/Baku"))  # the day before, noon
    assert [r.kind for r in schedule.plan(DAY, "Asia/Baku", now)] == ["prepare", "close", "verify"]


def test_a_reminder_due_exactly_now_is_skipped():
    close = schedule.plan(DAY, "Asia/Baku", LONG_AGO)[2]
    assert [r.kind for r in schedule.plan(DAY, "Asia/Baku", close.due)] == ["verify"]


def test_plan_entirely_in_the_past_is_empty():
    assert schedule.plan(DAY, "Asia/Baku", dt.datetime(2026, 7, 1, tzinfo=UTC)) == []


def test_naive_now_and_unknown_zone_are_refused():
    with pytest.raises(ValueError):
        schedule.plan(DAY, "Asia/Baku", dt.datetime(2026, 1, 1))
    for name in ["Mars/Olympus", "../../etc/passwd", "", "asia/baku"]:
        with pytest.raises(ValueError):
            schedule.plan(DAY, name, LONG_AGO)


def test_dates_more_than_a_year_away_are_too_far():
    now = dt.datetime(2026, 6, 1, 12, tzinfo=UTC)
    assert not schedule.too_far(dt.date(2027, 6, 1), "Asia/Baku", now)
    assert schedule.too_far(dt.date(2027, 6, 2), "Asia/Baku", now)


def test_working_day():
    assert schedule.working_day(DAY) == schedule.WorkingDay(DAY, ok=True)


def test_weekend_suggests_monday():
    check = schedule.working_day(dt.date(2026, 6, 13))  # Saturday
    assert (check.ok, check.reason, check.holiday) == (False, "weekend", None)
    assert check.suggested == dt.date(2026, 6, 16)  # Monday 15 June is National Salvation Day


def test_novruz_holiday_suggests_the_first_working_day_after_it():
    check = schedule.working_day(dt.date(2026, 3, 20))  # Novruz and Ramazan, facts §9
    assert (check.ok, check.reason) == (False, "holiday")
    assert "Spring Festival" in check.holiday
    assert check.suggested == dt.date(2026, 3, 31)  # carry-overs run to 30 March


def test_holiday_on_a_weekend_is_reported_as_holiday():
    check = schedule.working_day(dt.date(2026, 3, 21))  # Saturday, Novruz
    assert check.reason == "holiday"


def test_next_working_day_crosses_the_year():
    day = dt.date(2026, 12, 31)  # Solidarity Day
    suggested = schedule.next_working_day(day)
    assert suggested.year == 2027 and schedule.is_working_day(suggested)
    between = (day + dt.timedelta(days=n) for n in range(1, (suggested - day).days))
    assert not any(schedule.is_working_day(d) for d in between)
