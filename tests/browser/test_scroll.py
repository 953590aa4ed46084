"""Where a guide opens: at a link's target, and where the reader was after a reload or Back.

Steps below the first screen are laid out only when they come near it (content-visibility),
and until then each is as tall as a placeholder; on a phone one step is several screens
taller than its placeholder. The browser scrolls to a link's target itself. A reload or a
page opened from the history is scrolled back by offset, so such a page is laid out whole
(``html[data-layout=whole]``, init.js) and the offset finds the same text.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

GUIDE = "/en/azercell/"
TARGET = "at-the-counter"  # the step the clerk card's "Back to the guide" link opens
PHONE = {"width": 360, "height": 720}
#: Where the target step is, relative to the top of the screen, and how far the page is scrolled.
WHERE = f"() => [document.getElementById('{TARGET}').getBoundingClientRect().top, scrollY]"


def read_down_to_the_target(page) -> None:
    """Scroll down with the wheel, a screen at a time, as a reader does, until the target
    step is at the top of the screen."""
    for _ in range(100):
        top, _y = page.evaluate(WHERE)
        if top < 400:
            break
        page.mouse.wheel(0, min(600, top))
        page.wait_for_timeout(60)
    page.evaluate(f"() => document.getElementById('{TARGET}').scrollIntoView()")
    page.wait_for_timeout(300)


def test_a_link_to_a_step_opens_the_guide_at_that_step(new_context):
    page = new_context(viewport=PHONE).new_page()
    page.goto(f"{GUIDE}#{TARGET}")
    page.wait_for_timeout(800)
    top, scrolled = page.evaluate(WHERE)
    assert scrolled > 3000
    assert abs(top) <= 2


@pytest.mark.parametrize("how", ["reload", "back"])
def test_a_reload_or_back_returns_to_where_the_reader_was(new_context, how):
    page = new_context(viewport=PHONE).new_page()
    page.goto(GUIDE)
    page.mouse.move(180, 360)
    read_down_to_the_target(page)
    top, scrolled = page.evaluate(WHERE)
    assert abs(top) <= 2 and scrolled > 3000
    assert page.get_attribute("html", "data-layout") is None  # a first visit: laid out lazily

    if how == "reload":
        page.reload()
    else:
        page.goto("/en/faq/")  # not a click on the menu: that would scroll up to it first
        page.go_back()
    page.wait_for_function("() => document.documentElement.dataset.layout === 'whole'")
    page.wait_for_timeout(800)
    top_again, scrolled_again = page.evaluate(WHERE)
    assert abs(top_again - top) <= 2, (top, scrolled, top_again, scrolled_again)
