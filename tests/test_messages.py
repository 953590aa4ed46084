"""The reminders' words on the page: the "Remind me" list says what the plan's rules do."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import replace

import pytest
from flask_babel import force_locale

from webapp import i18n
from webapp.push import messages, schedule


def rule(day_offset: int, at: dt.time = dt.time(10, 0), kind: str = "unbind") -> schedule.Rule:
    return schedule.Rule(kind, day_offset, at, ttl=3600, urgency="normal")


def listed(client, url: str) -> list[str]:
    """The sentences of the form's list of reminders, as the page shows them."""
    response = client.get(url)
    page = response.get_data(as_text=True)
    response.close()
    items = re.search(r'<ul class="remind__what">(.*?)</ul>', page, re.S).group(1)
    return [html.unescape(text) for text in re.findall(r"<li>(.*?)</li>", items)]


@pytest.mark.parametrize(
    ("offset", "at", "phrase"),
    [
        (-3, dt.time(10, 0), "3 days before"),
        (-1, dt.time(10, 0), "1 day before"),
        (-1, dt.time(17, 0), "The evening before"),
        (-1, dt.time(18, 0), "The evening before"),
        (-2, dt.time(18, 0), "2 days before"),
        (0, dt.time(9, 0), "On the day"),
        (0, dt.time(18, 0), "On the day"),
        (1, dt.time(10, 0), "1 day after"),
        (2, dt.time(10, 0), "2 days after"),
    ],
)
def test_when_a_reminder_comes_follows_its_rule(app, offset, at, phrase):
    with app.app_context(), force_locale("en"):
        assert messages.when_phrase(rule(offset, at)) == phrase


def test_an_unknown_kind_has_no_words(app):
    with app.app_context(), force_locale("en"), pytest.raises(ValueError):
        messages.what_phrase("nap")


def test_the_form_lists_each_rule_in_english_as_before(client):
    assert listed(client, "/en/azercell/") == [
        "3 days before: unbind banks, payment apps, messengers and two-factor logins",
        "The evening before: spend or move the balance, pack your passport and the SIM",
        "On the day: ask to terminate the contract and for a confirmation",
        "2 days after: check the number is really closed",
    ]


def test_changing_a_rule_changes_what_the_page_says(client, monkeypatch):
    moved = tuple(
        replace(r, day_offset=-5) if r.kind == "unbind" else r
        for r in schedule.RULES
        if r.kind != "verify"
    )
    monkeypatch.setattr(schedule, "RULES", moved)
    shown = listed(client, "/en/aftercare/")
    assert len(shown) == 3
    assert (
        shown[0] == "5 days before: unbind banks, payment apps, messengers and two-factor logins"
    )
    assert not any("after" in sentence for sentence in shown)


@pytest.mark.parametrize("lang", [code for code in i18n.LANGUAGES if code != "en"])
def test_the_list_is_translated_with_each_language_s_plurals(client, monkeypatch, lang):
    monkeypatch.setattr(schedule, "RULES", (rule(-5), rule(-2), rule(21, kind="verify")))
    english = listed(client, "/en/nar/")
    assert english[2] == "21 days after: check the number is really closed"
    shown = listed(client, f"/{lang}/nar/")
    assert len(shown) == 3 and not set(shown) & set(english)
    assert "5" in shown[0] and "21" in shown[2]
