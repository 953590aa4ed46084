"""The clerk card and the operator finder in WebKit, offline, in every language.

The checks are the Chromium tests' own (``tests/browser/test_clerk.py``, ``test_finder.py``),
run on WebKit's layout and input: the same contract in both engines.
"""

from __future__ import annotations

import pytest
from browser.conftest import LANGUAGES
from browser.test_clerk import CONTENT, LINES, check_lines, wake_lock_available
from browser.test_finder import CASES, INPUT, RESULT, check_answer

from webapp import i18n

from .conftest import (
    BROWSERS_OWN,
    assert_from_service_worker,
    save_offline,
    wait_offline_ready,
)

pytestmark = [pytest.mark.browser, pytest.mark.webkit]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_clerk_cards_work_offline(page, site, lang):
    save_offline(page, f"/{lang}/")
    for operator in CONTENT.operators.values():
        url = f"/{lang}/{operator.id}/clerk/"
        page.goto(url)
        assert_from_service_worker(page, url)
        assert page.evaluate("document.documentElement.lang") == i18n.HTML_LANG[lang]
        check_lines(page.evaluate(LINES), lang, operator)

        # The screen stays on where the browser allows it; the card works either way.
        awake = "!document.querySelector('.clerk__awake').hidden"
        if wake_lock_available(page):
            page.wait_for_function("() => document.documentElement.dataset.wakeLock === 'on'")
            assert page.evaluate(awake)
        else:
            assert page.evaluate("document.documentElement.dataset.wakeLock") is None
            assert not page.evaluate(awake)

        # One tap back to the guide, at the counter step.
        page.locate(".clerk__back a").click()
        guide = f"/{lang}/{operator.id}/"
        page.wait_for_function(
            "(url) => location.href === url", f"{page.origin.url}{guide}#at-the-counter"
        )
        assert_from_service_worker(page, guide)
        assert page.h1() == site.h1(guide)
        assert page.evaluate("document.getElementById('at-the-counter') !== null")


def ask(page, typed: str) -> None:
    """Type the number key by key (the answer follows each keystroke)."""
    field = page.locate(INPUT)
    field.clear()
    field.send_keys(typed)
    page.wait_for_function("(s) => document.querySelector(s).childElementCount > 0", RESULT)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_finder_answers_offline(page, lang):
    from selenium.webdriver.common.keys import Keys

    url = f"/{lang}/finder/"
    save_offline(page, url)
    page.goto(url)
    assert_from_service_worker(page, url)
    wait_offline_ready(page)
    asked = len(page.origin.asked_offline())

    for typed, status, prefix, operator in CASES:  # 050 is Azercell's, among others
        ask(page, typed)
        check_answer(page, lang, typed, status, prefix, operator)
        page.locate(INPUT).send_keys(Keys.ENTER)
        check_answer(page, lang, typed, status, prefix, operator)
    assert page.url == page.origin.url + url
    # The number went nowhere: offline, only the browser's own requests reached for the
    # network (a page's service worker update check can come at any time).
    assert set(page.origin.asked_offline()[asked:]) <= BROWSERS_OWN
