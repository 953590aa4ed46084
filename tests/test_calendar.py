"""The calendar file calendars accept: made by the page's own code, read by a real parser.

The file is built on the device (``static/js/remind-plan.js``, run here under node) from the
strings each language's guide page carries; the ``icalendar`` package reads it back.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess

import icalendar
import pytest
from appconfig import app_config

from webapp import i18n, pages

REMIND_JS = os.path.join(os.path.dirname(__file__), "..", "static", "js", "remind-plan.js")
#: Builds a plan's calendar file with the page's code and strings (argv: a JSON job).
NODE_SCRIPT = """
const fs = require('node:fs'); const vm = require('node:vm');
const job = JSON.parse(process.argv[1]);
const sandbox = { module: { exports: {} }, Date, Intl, String, Number, TextEncoder };
vm.runInNewContext(fs.readFileSync(job.source, 'utf8'), sandbox);
const { localPlan, buildIcs } = sandbox.module.exports;
const items = localPlan(job.day, job.rules, new Date(2026, 0, 1));
process.stdout.write(buildIcs(items, job.texts, job.title, job.plan));
"""


@pytest.fixture(scope="module")
def site_client(tmp_path_factory):
    """The page views themselves (no build: the build folder is empty)."""
    from webapp import create_app

    return create_app(app_config(tmp_path_factory.mktemp("calendar"))).test_client()


def page_strings(client, lang: str, operator: str) -> dict[str, str]:
    """The reminder form's strings as the page carries them (``data-i18n.*``)."""
    response = client.get(f"/{lang}/{operator}/")
    page = response.get_data(as_text=True)
    response.close()
    form = re.search(r'<section class="remind"(.*?)>', page, re.S).group(1)
    strings = {k: html.unescape(v) for k, v in re.findall(r'data-i18n\.([a-z-]+)="([^"]*)"', form)}
    strings["html-lang"] = re.search(r'data-html-lang="([^"]*)"', form).group(1)
    return strings


def calendar_file(node, strings: dict[str, str], operator: str, name: str, lang: str) -> bytes:
    texts = {rule["kind"]: strings["kind-" + rule["kind"]] for rule in pages.REMINDER_RULES}
    job = {
        "source": REMIND_JS,
        "day": "2026-03-10",
        "rules": pages.REMINDER_RULES,
        "texts": texts,
        "title": strings["calendar-title"].replace("{operator}", name),
        "plan": {
            "id": "0123abcd",
            "operator": operator,
            "stamp": "20260101T090000Z",
            "url": f"https://sim-exit.example/{lang}/{operator}/",
            "lang": strings["html-lang"],
        },
    }
    result = subprocess.run(
        [node, "-e", NODE_SCRIPT, json.dumps(job)],
        capture_output=True,
        env={**os.environ, "TZ": "Asia/Baku"},
        timeout=60,
        check=True,
    )
    return result.stdout


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_calendar_file_round_trips_in_every_language(node, site_client, lang):
    strings = page_strings(site_client, lang, "azercell")
    data = calendar_file(node, strings, "azercell", "Azercell", lang)
    # RFC 5545: CRLF line ends, and no line longer than 75 octets.
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in data.split(b"\r\n")), "unfolded line"
    calendar = icalendar.Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [
        f"simexit-0123abcd-azercell-{rule['kind']}@sim-exit.invalid"
        for rule in pages.REMINDER_RULES
    ]
    title = strings["calendar-title"].replace("{operator}", "Azercell")
    for event, rule in zip(events, pages.REMINDER_RULES, strict=True):
        # What the page says is what the calendar shows, after folding and escaping, in the
        # page's language (which tells a calendar to lay Arabic and Persian right to left).
        assert str(event["SUMMARY"]) == f"{title} — {strings['kind-' + rule['kind']]}"
        assert event["SUMMARY"].params["LANGUAGE"] == i18n.HTML_LANG[lang]
        assert event["DESCRIPTION"].params["LANGUAGE"] == i18n.HTML_LANG[lang]
        assert str(event["URL"]) == f"https://sim-exit.example/{lang}/azercell/"
        assert event["DTSTAMP"].dt.year == 2026
        start = event["DTSTART"].dt
        assert start.tzinfo is None  # floating: the phone's own time zone
        assert start.strftime("%H:%M") == rule["time"]
        assert len(event.walk("VALARM")) == 1
    assert calendar["VERSION"] == "2.0" and "PRODID" in calendar


def test_two_sims_closed_on_the_same_day_keep_their_own_events(node, site_client):
    strings = page_strings(site_client, "en", "azercell")
    uids = set()
    for operator, name in (("azercell", "Azercell"), ("nar", "Nar")):
        calendar = icalendar.Calendar.from_ical(calendar_file(node, strings, operator, name, "en"))
        uids |= {str(e["UID"]) for e in calendar.walk("VEVENT")}
    assert len(uids) == 2 * len(pages.REMINDER_RULES)
