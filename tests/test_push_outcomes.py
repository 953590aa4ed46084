"""What each push service answer does to a reminder (without a network: outcomes.judge)."""

from __future__ import annotations

import datetime as dt

import pytest

from webapp.push import outcomes
from webapp.push.config import PushSettings
from webapp.push.models import FAILED, PENDING, SENT
from webapp.push.outcomes import Retry, judge
from webapp.push.queue import GONE, Due, Outcome

NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
CONFIG = PushSettings(max_attempts=5, retry_base=30.0, retry_inline_max=10.0)
DUE = Due(1, "claim", "unbind", NOW, 0, "plan", "en", "azercell", 1, "https://x/1", "k", "a")


def verdict(attempts, status=None, retry_after=None, error=None, config=CONFIG):
    return judge(DUE, attempts, (status, retry_after, error), config=config, now=NOW, size=700)


@pytest.mark.parametrize("status", [201, 202])
def test_accepted_is_sent(status):
    assert verdict(1, status) == Outcome(DUE, SENT, 1, status)


@pytest.mark.parametrize("status", [404, 410])
def test_not_found_or_gone_means_the_subscription_is_gone(status):
    assert verdict(1, status) == Outcome(DUE, GONE, 1, status)


def test_payload_too_large_is_a_bug_logged_and_failed(caplog):
    assert verdict(1, 413) == Outcome(DUE, FAILED, 1, 413, "payload too large")
    assert "payload too large (700 bytes): a bug" in caplog.text


@pytest.mark.parametrize("status", [400, 401, 403])
def test_other_client_errors_fail_without_retry(status):
    assert verdict(1, status) == Outcome(DUE, FAILED, 1, status, f"HTTP {status}")


@pytest.mark.parametrize(
    ("status", "error"), [(429, None), (500, None), (503, None), (None, "ClientOSError: reset")]
)
def test_overload_server_errors_and_network_errors_are_retried(status, error):
    # No Retry-After: 30 s, then 60 s… – longer than 10 s, so rescheduled in the database.
    expected_error = error or f"HTTP {status}"
    assert verdict(1, status, error=error) == Outcome(
        DUE, PENDING, 1, status, expected_error, retry_at=NOW + dt.timedelta(seconds=30)
    )
    assert verdict(2, status, error=error).retry_at == NOW + dt.timedelta(seconds=60)


def test_a_short_retry_after_is_waited_in_the_run():
    assert verdict(1, 429, retry_after=2.0) == Retry(2.0)


def test_retry_after_is_capped():
    outcome = verdict(1, 503, retry_after=10 * 24 * 3600.0)
    assert outcome.retry_at == NOW + dt.timedelta(seconds=outcomes.MAX_RETRY_DELAY)


def test_the_last_attempt_fails():
    assert verdict(5, 503) == Outcome(DUE, FAILED, 5, 503, "HTTP 503")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("120", 120.0),
        (None, None),
        ("", None),
        ("soon", None),
        ("Thu, 01 Jan 1970 00:01:40 GMT", 40.0),
    ],
)
def test_retry_after_parsing(value, expected):
    assert outcomes.retry_after_seconds(value, now=60.0) == expected


def test_a_runs_counts_name_each_state():
    stats = outcomes.Stats()
    stats.add([verdict(1, 201), verdict(1, 410), verdict(1, 400), verdict(1, 201)])
    assert (stats.sent, stats.unsubscribed, stats.failed, stats.total) == (2, 1, 1, 4)
    assert stats.summary().startswith("sent 2, rescheduled 0, failed 1, expired 0, unsubscribed 1")
