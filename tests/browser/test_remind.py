"""The "Remind me" form: when its day becomes a date field and with which limits, what the
browser allows, and the calendar file it makes."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import g
from flask_babel import force_locale

from webapp import i18n, pages
from webapp.push.schedule import next_working_day

from .conftest import LANGUAGES, normalise, open_form

pytestmark = pytest.mark.browser

GUIDE = "/en/azercell/"
ROOT = "[data-module=remind]"
MESSAGE = "[data-remind-message]"


def scroll_to_form(page) -> None:
    """Scroll the form to the top of the screen, as the browser does for a link to it."""
    page.evaluate(f"() => document.querySelector('{ROOT}').scrollIntoView()")


@pytest.mark.parametrize("path", [GUIDE, "/ru/azercell/", "/en/aftercare/"])
def test_a_reminders_link_opens_the_page_at_the_form(new_context, path):
    # A phone's screen: the steps above the form are several screens long.
    page = new_context(viewport={"width": 360, "height": 720}).new_page()
    open_form(page, path)
    page.wait_for_timeout(500)  # steps near the screen laid out, the form's plan restored
    top = page.evaluate(f"() => document.querySelector('{ROOT}').getBoundingClientRect().top")
    assert page.evaluate("() => window.scrollY") > 2000
    assert abs(top) <= 2
    page.fill(
        "[data-remind-date]", next_working_day(dt.date.today() + dt.timedelta(days=20)).isoformat()
    )


def test_a_link_to_the_form_does_not_move_a_reader_who_has_scrolled(new_context):
    page = new_context().new_page()
    page.goto(GUIDE)
    page.evaluate("() => window.scrollTo(0, 300)")
    page.evaluate("() => history.replaceState(null, '', '#remind')")  # the reload below keeps it
    page.reload()  # the browser restores the reader's position
    page.wait_for_selector(f"{ROOT}[data-remind-init]:not([hidden])", state="attached")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.scrollY") == 300


def test_date_field_is_built_only_when_the_form_comes_near_the_screen(new_context):
    page = new_context().new_page()
    page.goto(GUIDE)
    page.wait_for_selector(f"{ROOT}[data-remind-init]", state="attached")
    page.wait_for_timeout(500)  # every start-up task of the form has run
    date = page.locator("[data-remind-date]")
    assert page.evaluate("() => window.scrollY") == 0
    assert date.get_attribute("type") == "text"
    scroll_to_form(page)
    page.wait_for_function("() => document.querySelector('[data-remind-date]').type === 'date'")
    assert date.get_attribute("min")


def test_date_field_is_built_when_focused_before_it_is_near(new_context):
    page = new_context().new_page()
    page.goto(GUIDE)
    page.wait_for_selector(f"{ROOT}[data-remind-init]", state="attached")
    # In one task, so that only the focus handler (not the scroll's observer) can have built it.
    built = page.evaluate("""() => {
        const date = document.querySelector('[data-remind-date]');
        const before = date.type;
        date.focus({preventScroll: true});
        return [before, date.type, date.min !== '', document.activeElement === date];
    }""")
    assert built == ["text", "date", True, True]


def test_date_is_a_date_field_from_today_to_a_year_ahead(new_context):
    page = new_context(timezone_id="Asia/Baku").new_page()
    open_form(page, GUIDE)
    today = dt.date.fromisoformat(
        page.evaluate(
            "new Intl.DateTimeFormat('en-CA', {timeZone: 'Asia/Baku'}).format(new Date())"
        )
    )
    date = page.locator("[data-remind-date]")
    assert date.get_attribute("type") == "date"
    assert date.get_attribute("min") == today.isoformat()
    assert date.get_attribute("max") == same_day_next_year(today).isoformat()
    assert page.locator(MESSAGE).text_content() == ""  # notifications may still be asked for


def test_blocked_notifications_are_explained_before_the_tap(browser, live_server, new_context):
    context = new_context()
    cdp = browser.new_browser_cdp_session()
    cdp.send(
        "Browser.setPermission",
        {
            "permission": {"name": "notifications"},
            "setting": "denied",
            "origin": live_server.url,
            "browserContextId": context_id(context),
        },
    )
    page = context.new_page()
    open_form(page, GUIDE)
    expected = page.get_attribute(ROOT, "data-i18n.denied")
    page.wait_for_function(
        "(text) => document.querySelector('[data-remind-message]').textContent === text",
        arg=expected,
    )
    assert "blocked" in expected


def same_day_next_year(day: dt.date) -> dt.date:
    """As the page's ``new Date(year + 1, month, day)`` does it: 29 February becomes 1 March."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return dt.date(day.year + 1, 3, 1)


def context_id(context) -> str:
    """The DevTools id of a Playwright browser context (for Browser.* commands)."""
    page = context.new_page()
    try:
        session = context.new_cdp_session(page)
        info = session.send("Target.getTargetInfo")
        return info["targetInfo"]["browserContextId"]
    finally:
        page.close()


@pytest.mark.parametrize(
    "path, operator, name",
    [
        ("/en/azercell/", None, "Azercell"),  # the guide's own operator, no select
        ("/en/aftercare/", "bakcell", "Bakcell"),  # chosen in the select
    ],
)
def test_calendar_file_has_the_plan_for_the_operator(new_context, path, operator, name):
    page = new_context().new_page()
    open_form(page, path)
    if operator:
        page.select_option("[data-remind-operator]", operator)
    # A working day: a weekend or holiday note would add a button above the one to click.
    day = next_working_day(
        dt.date.fromisoformat(page.get_attribute("[data-remind-date]", "min"))
        + dt.timedelta(days=20)
    )
    page.fill("[data-remind-date]", day.isoformat())
    with page.expect_download() as download:
        page.click("[data-remind-calendar]")
    with open(download.value.path(), encoding="utf-8") as f:
        text = f.read().replace("\r\n ", "")  # unfold long lines
    assert text.count("BEGIN:VEVENT") == 4
    assert f"SUMMARY;LANGUAGE=en:SIM Exit: {name} number — " in text
    assert "URL:" in text and f"-{operator or 'azercell'}-" in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_dated_plan_is_shown_when_push_is_not_available(new_context, lang):
    """Without push (here: no PushManager, as in many private windows) the plan is still
    on screen as soon as a day is picked, and the message offers the calendar file."""
    context = new_context()
    context.add_init_script("delete window.PushManager;")
    page = context.new_page()
    open_form(page, f"/{lang}/azercell/")
    unsupported = page.get_attribute(ROOT, "data-i18n.unsupported")
    page.wait_for_function(
        "(t) => document.querySelector('[data-remind-message]').textContent === t", arg=unsupported
    )
    day = next_working_day(
        dt.date.fromisoformat(page.get_attribute("[data-remind-date]", "min"))
        + dt.timedelta(days=20)
    )
    page.fill("[data-remind-date]", day.isoformat())
    items = page.locator("[data-remind-preview-list] li")
    items.first.wait_for()
    assert items.count() == 4
    kinds = [
        page.get_attribute(ROOT, f"data-i18n.kind-{k}")
        for k in ("unbind", "prepare", "close", "verify")
    ]
    shown = items.all_text_contents()
    for text, kind in zip(shown, kinds, strict=True):
        assert text.endswith(kind)
    # The day itself, written in the page's language by the device (Intl), leads the third.
    expected = page.evaluate(
        """([iso, lang]) => {
        const [y, m, d] = iso.split('-').map(Number);
        return new Intl.DateTimeFormat(lang, {dateStyle: 'full'}).format(new Date(y, m - 1, d));
    }""",
        [day.isoformat(), page.get_attribute(ROOT, "data-date-locale")],
    )
    assert shown[2].startswith(expected)
    page.click("[data-remind-subscribe]")
    assert page.locator(MESSAGE).text_content() == unsupported
    assert items.count() == 4  # the plan stays


def test_only_the_latest_working_day_answer_changes_the_form(new_context):
    """Two days picked quickly: the answer for the first, arriving last, is dropped."""
    page = new_context().new_page()
    open_form(page, GUIDE)
    first = page.get_attribute("[data-remind-date]", "min")
    saturday = dt.date.fromisoformat(first) + dt.timedelta(days=20)
    saturday += dt.timedelta(days=(5 - saturday.weekday()) % 7)
    working = next_working_day(saturday + dt.timedelta(days=3))
    slow = {"held": []}

    def hold_saturday(route):
        if saturday.isoformat() in route.request.url:
            slow["held"].append(route)  # answered after the newer request
        else:
            route.continue_()

    page.route("**/api/plan-preview?*", hold_saturday)
    page.fill("[data-remind-date]", saturday.isoformat())
    page.fill("[data-remind-date]", working.isoformat())
    page.wait_for_function(
        "() => document.querySelectorAll('[data-remind-preview-list] li').length === 4"
    )
    page.wait_for_timeout(300)  # the working day's own answer has come and said nothing
    assert slow["held"], "the first request was not made"
    for route in slow["held"]:
        route.continue_()
    page.wait_for_timeout(500)
    assert page.locator("[data-remind-check]").text_content() == ""
    assert page.locator("[data-remind-check] button").count() == 0


#: A day the pages show ("checked by us on …"), as the device writes it in a language.
DEVICE_DATE = """([locale, y, m, d]) => new Intl.DateTimeFormat(locale, {dateStyle: 'long'})
    .format(new Date(y, m - 1, d))"""


#: Debian's Chromium knows the language but ships none of its date patterns: Intl writes
#: "2026 M11 23" for Azerbaijani. Strict: the day it ships them, this says so.
NO_DEVICE_PATTERNS = {"az": "Chromium's ICU data has no Azerbaijani date patterns"}


@pytest.mark.parametrize(
    "lang",
    [
        pytest.param(lang, marks=pytest.mark.xfail(reason=NO_DEVICE_PATTERNS[lang], strict=True))
        if lang in NO_DEVICE_PATTERNS
        else lang
        for lang in LANGUAGES
    ],
)
def test_the_device_writes_dates_as_the_server_does(page, site, lang):
    """The reminder plan's dates (Intl, on the phone) and the facts' dates (Babel, on the server)
    agree: the Gregorian calendar, the language's own digits (Persian ۱۲۳, Latin for Arabic as
    CLDR and our glossary have it), the same words. A Persian phone left to itself would write
    the Solar Hijri date (۱۴۰۵ آذر ۲) the server cannot."""
    page.goto(f"/{lang}/azercell/")
    locale = page.get_attribute("[data-module=remind]", "data-date-locale")
    assert locale == i18n.date_locale(lang)
    day = dt.date(2026, 11, 23)  # when we checked most facts
    with site.app.test_request_context(), force_locale(i18n.LANGUAGES[lang]):
        g.lang_code = lang
        server = pages.long_date(day)
    assert server in site.html(f"/{lang}/azercell/")
    device = page.evaluate(DEVICE_DATE, [locale, day.year, day.month, day.day])
    # Babel's CLDR and the browser's may space a date differently ("2026\u202fг."), no more.
    assert normalise(device) == normalise(server)
    digits = i18n.NUMBERING_DIGITS[i18n.numbering_system(lang)]
    assert digits[2] + digits[0] + digits[2] + digits[6] in device  # 2026, in its own digits
