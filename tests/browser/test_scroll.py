"""Where a guide opens, and a page height that holds still while it is read.

A link's target, a reload and Back land where they should. And a guide's height is the same
from the first screen to the bottom (within 5 %, issue 13): with parts laid out only when they
came near the screen (``content-visibility: auto``) each was as tall as a placeholder until
then, and a long step is several screens taller than any placeholder, so the page grew from
8,000 to 14,000 px while it was read and the scrollbar and a flick-scroll jumped.
``bench/bench_scroll.py`` prints the same figures.
"""

from __future__ import annotations

import pytest

from webapp import content

from .conftest import LANGUAGES

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

    if how == "reload":
        page.reload()
    else:
        page.goto("/en/faq/")  # not a click on the menu: that would scroll up to it first
        page.go_back()
    page.wait_for_timeout(800)
    top_again, scrolled_again = page.evaluate(WHERE)
    assert abs(top_again - top) <= 2, (top, scrolled, top_again, scrolled_again)


# -- a steady height ---------------------------------------------------------------------

GUIDES = [*content.OPERATORS, "prepare", "aftercare"]
PHONES = {"390x844": {"width": 390, "height": 844}, "320x640": {"width": 320, "height": 640}}
#: The most a guide's height may change between the first screen and the bottom, in %.
HEIGHT_BUDGET = 5.0

#: Every component on the page has started (each stamps its root ``data-<module>-init``).
STARTED = """() => Array.from(document.querySelectorAll('[data-module]'))
    .every((el) => el.hasAttribute('data-' + el.dataset.module + '-init'))"""
#: The document's height at the first screen, then after each scroll of a screen down to the
#: bottom; after each step the browser renders twice (what came near the screen is laid out).
HEIGHTS = """async () => {
    const root = document.documentElement;
    const frames = () => new Promise((resolve) =>
        requestAnimationFrame(() => requestAnimationFrame(resolve)));
    await document.fonts.ready;
    await frames();
    const heights = [root.scrollHeight];
    while (scrollY + innerHeight < root.scrollHeight - 1 && heights.length < 500) {
        window.scrollTo(0, scrollY + innerHeight);
        await frames();
        heights.push(root.scrollHeight);
    }
    return heights;
}"""


@pytest.mark.parametrize("phone", PHONES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_guide_keeps_its_height_while_it_is_scrolled_to_the_bottom(new_context, lang, phone):
    page = new_context(viewport=PHONES[phone], service_workers="block").new_page()
    problems = []
    for guide in GUIDES:
        page.goto(f"/{lang}/{guide}/")
        page.wait_for_function(STARTED)
        heights = page.evaluate(HEIGHTS)
        assert len(heights) > 3, guide  # really scrolled: several screens
        worst = max(abs(h - heights[0]) for h in heights) * 100 / heights[0]
        if worst >= HEIGHT_BUDGET:
            problems.append(
                f"/{lang}/{guide}/ at {phone}: {heights[0]} px at the first screen, "
                f"{min(heights)}-{max(heights)} px on the way down ({worst:.1f} %)"
            )
    assert not problems, "\n".join(problems)
