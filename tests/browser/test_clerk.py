"""The clerk card: offline in every language, Azerbaijani large with Russian beneath.

The reader's own language is in small print for English and Chinese readers only (an
Azerbaijani or Russian reader can read the card itself). The lines ask politely: to end the
contract and cancel the number, what happens to the balance, and for a confirmation; no
line asks for a refund, which no source supports. The number to close, typed once, is on
every operator's card in large digits, kept on the device only, offline too. The screen
stays on through the Screen Wake Lock API: checked against Chromium's real API, and against
a stub that records what the component asks for (a real lock cannot be released or
re-granted on demand).
"""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale, gettext

from webapp import clerk_card, content, i18n

from .conftest import LANGUAGES, normalise, save_offline, wait_controlled, wait_offline_ready

pytestmark = pytest.mark.browser

CONTENT = content.load()
#: Every line of both cards, as the English msgids say it.
MESSAGES = clerk_card.TERMINATE_LINES + clerk_card.OFFICE_LINES
#: Letters that English text never has: a real translation into the language shows some.
SCRIPT = {
    "az": re.compile("[əğışçöüƏĞİŞÇÖÜ]"),
    "ru": re.compile("[а-яёА-ЯЁ]"),
    "zh-hans": re.compile("[\u4e00-\u9fff]"),
    "tr": re.compile("[çğıöşüÇĞİÖŞÜ]"),
    "ar": re.compile("[\u0621-\u064a]"),
    "fa": re.compile("[پچژگکی]"),  # the letters Persian adds to the Arabic alphabet
}
#: WCAG-ish "large text" for arm's length: 24 CSS px or more.
LARGE_PX = 24
#: Asking for a refund, in any language of the card: no source supports one (facts §4).
REFUND = re.compile(r"refund|возвр|верн[иуё]|geri qaytar|qaytarıl|退还|退款|退钱", re.IGNORECASE)
#: The line that asks about the balance: it can only be moved to the same operator's numbers.
BALANCE = 2

#: Each line of the cards: its Azerbaijani, Russian and own-language parts, as shown.
LINES = """() => Array.from(document.querySelectorAll('.clerk-card__line')).map((line) => {
    const part = (el) => {
        if (!el) { return null; }
        const box = el.getBoundingClientRect();
        return {text: el.textContent.trim(), lang: el.closest('[lang]').getAttribute('lang'),
                size: parseFloat(getComputedStyle(el).fontSize), top: box.top,
                bottom: box.bottom, visible: box.height > 0 && el.checkVisibility()};
    };
    return {az: part(line.querySelector('.clerk-card__text--az')),
            ru: part(line.querySelector('.clerk-card__text--ru')),
            own: part(line.querySelector('.clerk-card__own'))};
})"""


def english(operator: content.Guide) -> list[str]:
    return [normalise(m % {"operator": operator.name}) for m in MESSAGES]


def check_lines(lines: list[dict], lang: str, operator: content.Guide) -> None:
    where = f"/{lang}/{operator.id}/clerk/"
    assert len(lines) == len(MESSAGES), where
    for line, msgid in zip(lines, english(operator), strict=True):
        az, ru, own = line["az"], line["ru"], line["own"]
        for part in (az, ru, own):
            assert part is None or not REFUND.search(part["text"]), f"{where}: {part['text']}"
        assert az["lang"] == "az" and ru["lang"] == "ru", where
        assert az["visible"] and ru["visible"], where
        for locale, part in (("az", az), ("ru", ru)):
            assert normalise(part["text"]) != msgid, f"{where}: {locale} not translated: {msgid}"
            assert SCRIPT[locale].search(part["text"]), f"{where}: not {locale}: {part['text']}"
        assert az["size"] >= LARGE_PX, f"{where}: Azerbaijani at {az['size']}px"
        assert ru["top"] >= az["bottom"] - 1, f"{where}: Russian is not beneath"
        if lang in clerk_card.COUNTER_LOCALES:
            assert own is None, f"{where}: an {lang} reader needs no small print"
            continue
        assert own is not None and own["visible"], where
        assert own["lang"] == i18n.HTML_LANG[lang], where
        assert own["size"] < ru["size"] < az["size"], f"{where}: the own language is not small"
        assert own["top"] >= ru["bottom"] - 1, where
        if lang == "en":
            assert normalise(own["text"]) == msgid
        else:
            assert normalise(own["text"]) != msgid and SCRIPT[lang].search(own["text"]), where
    # The office card names the operator as the operator writes it, in every language; so
    # does the balance question (a balance moves only to a number on the same network).
    for line in (lines[len(clerk_card.TERMINATE_LINES)], lines[BALANCE]):
        for part in (line["az"], line["ru"], line["own"]):
            assert part is None or operator.name in part["text"], where


def wake_lock_available(page) -> bool:
    """Whether this browser grants a screen wake lock now (asked apart from the page's own)."""
    return page.evaluate("""() => !('wakeLock' in navigator) ? false
        : navigator.wakeLock.request('screen').then((lock) => lock.release().then(() => true),
                                                    () => false)""")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_clerk_cards_work_offline(page, context, site, lang):
    save_offline(page, context, f"/{lang}/")
    for operator in CONTENT.operators.values():
        url = f"/{lang}/{operator.id}/clerk/"
        response = page.goto(url)
        assert response is not None and response.ok and response.from_service_worker, url
        assert page.evaluate("document.documentElement.lang") == i18n.HTML_LANG[lang]
        check_lines(page.evaluate(LINES), lang, operator)

        # The screen stays on where the browser allows it; the card works either way.
        status = page.locator(".clerk__awake")
        if wake_lock_available(page):
            page.wait_for_selector("html[data-wake-lock=on]", state="attached")
            assert status.is_visible()
        else:
            assert page.evaluate("document.documentElement.dataset.wakeLock") is None
            assert status.is_hidden()

        # One tap back to the guide, at the counter step.
        page.locator(".clerk__back a").click()
        page.wait_for_url(f"**/{lang}/{operator.id}/#at-the-counter")
        assert normalise(page.locator("h1").first.text_content()) == site.h1(
            f"/{lang}/{operator.id}/"
        )
        assert page.locator("#at-the-counter").is_visible()


# -- the number to close -----------------------------------------------------------------

#: What the card shows of the number: the digits, and the label above them, as shown.
NUMBER = """() => {
    const card = document.querySelector('[data-clerk-number-card]');
    const digits = card.querySelector('[data-clerk-number-digits]');
    const shown = (el) => el.checkVisibility();
    const label = Array.from(card.querySelectorAll('[data-clerk-number-label]')).filter(shown);
    const text = (el, selector) => {
        const found = el && el.querySelector(selector);
        return found && shown(found) ? found.textContent.trim() : null;
    };
    const style = getComputedStyle(digits);
    return {shown: shown(card), digits: shown(digits) ? digits.textContent : null,
            products: label.map((el) => el.getAttribute('data-clerk-number-label')),
            az: text(label[0], '[lang=az]'), ru: text(label[0], '[lang=ru]'),
            own: text(label[0], '.clerk-number__own'),
            direction: style.direction, numeric: style.fontVariantNumeric,
            size: parseFloat(style.fontSize),
            form: shown(document.querySelector('[data-clerk-number-form]')),
            summary: document.querySelector('[data-clerk-number-summary]').textContent,
            stored: localStorage.getItem('simexit:clerk-number:v1')};
}"""


def catalog_text(site, locale: str, message: str) -> str:
    """A string as the catalog of ``locale`` has it."""
    with site.app.test_request_context(), force_locale(locale):
        return gettext(message)


def type_number(page, text: str, product: str | None = None) -> None:
    """Type a number into the form and send it with Enter, as a phone's keyboard does."""
    page.fill("[data-clerk-number-input]", text)
    if product:
        page.check(f"[data-clerk-number-product][value={product}]")
    page.press("[data-clerk-number-input]", "Enter")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_number_typed_once_is_on_every_card_in_large_digits_offline_too(
    new_context, site, lang
):
    context = new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto(f"/{lang}/azercell/clerk/")
    wait_controlled(page)
    wait_offline_ready(page)
    page.wait_for_selector("[data-clerk-number-init]", state="attached")
    assert page.evaluate(NUMBER)["shown"] is False  # nothing typed yet: no number line

    # What is not an Azerbaijani mobile number is refused, with a reason; nothing is stored.
    error = page.locator("[data-clerk-number-error]")
    for text, reason in [
        ("+7 912 345 67 89", "foreign"),
        ("012 345 67 89", "prefix"),
        ("050 123 45", "length"),
        ("050-123-45-6x", "malformed"),
        ("", "empty"),
    ]:
        type_number(page, text)
        expected = page.get_attribute("[data-module=clerk-number]", f"data-i18n.error-{reason}")
        assert error.is_visible() and normalise(error.text_content()) == normalise(expected), text
        assert page.get_attribute("[data-clerk-number-input]", "aria-invalid") == "true"
        state = page.evaluate(NUMBER)
        assert state["shown"] is False and state["stored"] is None, text
    assert "010, 050, 051, 055, 060, 070, 077, 099" in page.get_attribute(
        "[data-module=clerk-number]", "data-i18n.error-prefix"
    )

    # A common form is read, and shown grouped, left to right, in large even digits.
    type_number(page, "0 (55) 123-45-67", "esim")
    expected = {
        "shown": True,
        "digits": "+994 55 123 45 67",
        "products": ["esim"],
        "az": catalog_text(site, "az", "The number to cancel — eSIM"),
        "ru": catalog_text(site, "ru", "The number to cancel — eSIM"),
        "own": None if lang == "ru" else "The number to cancel — eSIM",
        "form": False,
        "summary": "+994 55 123 45 67",
    }
    state = page.evaluate(NUMBER)
    assert {k: state[k] for k in expected} == expected
    assert state["direction"] == "ltr" and "tabular-nums" in state["numeric"]
    assert state["size"] >= LARGE_PX
    assert error.is_hidden()
    assert page.evaluate("document.activeElement.matches('[data-clerk-number-card]')")
    assert page.evaluate("document.documentElement.scrollWidth") == 320  # fits a small phone

    # It survives a reload, and a reload offline (from the service worker).
    page.reload()
    page.wait_for_selector("[data-clerk-number-init]", state="attached")
    assert {k: page.evaluate(NUMBER)[k] for k in expected} == expected
    context.set_offline(True)
    response = page.reload()
    assert response is not None and response.from_service_worker
    page.wait_for_selector("[data-clerk-number-init]", state="attached")
    assert {k: page.evaluate(NUMBER)[k] for k in expected} == expected

    # One number per traveller: the other operators' cards show it too.
    for operator in ("bakcell", "nar"):
        page.goto(f"/{lang}/{operator}/clerk/")
        page.wait_for_selector("[data-clerk-number-init]", state="attached")
        assert page.evaluate(NUMBER)["digits"] == "+994 55 123 45 67", operator

    # Changing it: the form comes back filled in; the card keeps the old one until sent.
    page.click("[data-clerk-number-edit]")
    assert page.evaluate("document.activeElement.matches('[data-clerk-number-input]')")
    assert page.input_value("[data-clerk-number-input]") == "+994 55 123 45 67"
    assert page.is_checked("[data-clerk-number-product][value=esim]")
    type_number(page, "+994 70 765 43 21", "data")
    state = page.evaluate(NUMBER)
    assert state["digits"] == "+994 70 765 43 21" and state["products"] == ["data"]

    # Clearing it removes it from the device and from every card, offline too.
    page.click("[data-clerk-number-clear]")
    state = page.evaluate(NUMBER)
    assert state["shown"] is False and state["stored"] is None and state["form"] is True
    assert page.input_value("[data-clerk-number-input]") == ""
    page.reload()
    page.wait_for_selector("[data-clerk-number-init]", state="attached")
    assert page.evaluate(NUMBER)["shown"] is False
    assert errors == []


#: Storage that throws on every call (a private mode, a full disk), and a garbled saved value.
BROKEN_STORAGE = """(() => {
    localStorage.setItem('simexit:clerk-number:v1', '{not json');
    const fail = () => { throw new DOMException('Storage is full', 'QuotaExceededError'); };
    Storage.prototype.setItem = fail;
    Storage.prototype.removeItem = fail;
})()"""


def test_the_card_shows_the_number_even_where_it_cannot_be_kept(new_context):
    context = new_context(service_workers="block")
    context.add_init_script(BROKEN_STORAGE)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto("/en/nar/clerk/")
    page.wait_for_selector("[data-clerk-number-init]", state="attached")
    assert page.evaluate(NUMBER)["shown"] is False  # a garbled value counts as none
    type_number(page, "+994 77 111 22 33")
    state = page.evaluate(NUMBER)
    assert state["digits"] == "+994 77 111 22 33" and state["products"] == ["sim"]
    page.click("[data-clerk-number-clear]")
    assert page.evaluate(NUMBER)["shown"] is False
    assert errors == []


def test_without_javascript_the_card_is_complete_without_a_number_line(new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/en/azercell/clerk/")
    assert page.locator(".clerk-number-form").is_hidden()
    assert page.locator("[data-clerk-number-card]").is_hidden()
    check_lines(page.evaluate(LINES), "en", CONTENT.operators["azercell"])


#: A stand-in for ``navigator.wakeLock`` that records each request, and a document whose
#: visibility the test controls (headless Chromium never hides a page by itself).
WAKE_LOCK_STUB = """(() => {
    const mode = %s;
    const log = window.__wakeLock = {requests: [], locks: [], visibility: 'visible'};
    Object.defineProperty(document, 'visibilityState', {configurable: true,
                                                        get: () => log.visibility});
    if (mode === 'unsupported') { delete Navigator.prototype.wakeLock; return; }
    const wakeLock = {request (type) {
        log.requests.push(type);
        if (mode === 'denied') {
            return Promise.reject(new DOMException('Not allowed', 'NotAllowedError'));
        }
        const lock = new EventTarget();
        lock.type = type;
        lock.release = () => {
            lock.dispatchEvent(new Event('release'));
            return Promise.resolve();
        };
        log.locks.push(lock);
        return Promise.resolve(lock);
    }};
    Object.defineProperty(Navigator.prototype, 'wakeLock',
                          {configurable: true, get: () => wakeLock});
})()"""

SET_VISIBILITY = """(state) => {
    window.__wakeLock.visibility = state;
    document.dispatchEvent(new Event('visibilitychange'));
}"""


@pytest.fixture
def stubbed_page(new_context):
    def make(mode: str):
        context = new_context(service_workers="block")
        context.add_init_script(WAKE_LOCK_STUB % f"'{mode}'")
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(error))
        page.goto("/en/azercell/clerk/")
        return page, errors

    return make


def wake_lock_state(page) -> dict:
    return page.evaluate("""() => ({requests: window.__wakeLock.requests,
        on: document.documentElement.getAttribute('data-wake-lock'),
        shown: !document.querySelector('.clerk__awake').hidden})""")


def test_the_card_keeps_the_screen_on_and_asks_again_when_shown_again(stubbed_page):
    page, errors = stubbed_page("granted")
    page.wait_for_selector("html[data-wake-lock=on]", state="attached")
    assert wake_lock_state(page) == {"requests": ["screen"], "on": "on", "shown": True}

    # The browser releases the lock when the page is hidden; nothing is asked while hidden.
    page.evaluate(SET_VISIBILITY, "hidden")
    page.evaluate("window.__wakeLock.locks[0].release()")
    page.wait_for_selector("html:not([data-wake-lock])", state="attached")
    assert wake_lock_state(page) == {"requests": ["screen"], "on": None, "shown": False}

    page.evaluate(SET_VISIBILITY, "visible")
    page.wait_for_selector("html[data-wake-lock=on]", state="attached")
    assert wake_lock_state(page) == {"requests": ["screen", "screen"], "on": "on", "shown": True}
    assert errors == []


@pytest.mark.parametrize("mode", ["denied", "unsupported"])
def test_the_card_works_without_a_wake_lock(stubbed_page, mode):
    page, errors = stubbed_page(mode)
    page.wait_for_load_state("load")
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 50))")  # let it settle
    expected = ["screen"] if mode == "denied" else []
    assert wake_lock_state(page) == {"requests": expected, "on": None, "shown": False}
    assert errors == []
    assert page.locator(".clerk-card__text--az").first.is_visible()
    page.locator(".clerk__back a").click()
    page.wait_for_url("**/en/azercell/#at-the-counter")
