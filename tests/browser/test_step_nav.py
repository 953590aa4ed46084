"""Steps open and close one by one, "Hide all"/"Show all" works, and nothing moves on start.

The toggles, ticks and the checklist bar are in the server's markup, so starting the
scripts does not push the steps down: every element of the first screen stays where it
was once the page was parsed and styled, with the script held back. (Not the browser's
layout-shift entries: on the CI machine they counted small shifts, of the language switcher
or of a line of Chinese text, that no script causes and no run here ever showed. Lighthouse's
Cumulative Layout Shift is measured by bench/lighthouse.py.)
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from webapp import content

from .conftest import LANGUAGES

pytestmark = pytest.mark.browser

GUIDE = "/en/azercell/"
STEPS = content.load().operators["azercell"].steps

#: Where each element of the first screen is, in page coordinates (a scroll is not a move),
#: once the document is parsed and styled and before the script runs.
BEFORE_SCRIPTS = """() => {
    window.simexitBeforeScripts = {
        started: document.documentElement.classList.contains('js-enabled'),
        boxes: [...document.body.querySelectorAll('*')].flatMap((element) => {
            const box = element.getBoundingClientRect();
            const seen = box.width > 0 && box.height > 0
                && box.top < innerHeight && box.bottom > 0;
            return seen ? [[element, box.left + scrollX, box.top + scrollY]] : [];
        }),
    };
}"""
STYLED = """(css) => document.readyState !== 'loading' && [...document.styleSheets].some(
    (sheet) => sheet.href && sheet.href.endsWith(css) && sheet.cssRules.length > 0)"""

#: What moved since then, after two frames and a little more, so that a component that
#: starts in a later task counts too.
MOVED_SINCE = """() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(
    () => setTimeout(() => {
        const before = window.simexitBeforeScripts;
        const moved = before.boxes.flatMap(([element, x, y]) => {
            const box = element.getBoundingClientRect();
            const dx = box.left + scrollX - x, dy = box.top + scrollY - y;
            if (Math.abs(dx) < 1 && Math.abs(dy) < 1 && box.width > 0) { return []; }
            const name = element.id || element.className || element.nodeName;
            return [`${name} (${Math.round(x)},${Math.round(y)}) -> ` +
                    (box.width > 0 ? `(${Math.round(x + dx)},${Math.round(y + dy)})` : 'hidden')];
        });
        resolve({started: before.started, seen: before.boxes.length, moved});
    }, 50))))"""


def started(page) -> None:
    page.wait_for_selector("[data-step-nav-init] [data-checklist-init]", state="attached")


def toggle(page, step_id: str):
    return page.locator(f"#{step_id} .step__toggle")


def body(page, step_id: str):
    return page.locator(f"#{step_id}-body")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", ["azercell", "aftercare", "prepare"])
def test_starting_the_scripts_moves_nothing(site, new_context, lang, name):
    assets = site.asset_urls(f"/{lang}/{name}/")
    page = new_context(viewport={"width": 412, "height": 823}).new_page()  # Lighthouse's phone
    held = []  # the script's request, held until the page has been measured without it
    page.route(f"**{assets['js']}", lambda route: held.append(route))
    page.goto(f"/{lang}/{name}/", wait_until="commit")
    page.wait_for_function(STYLED, arg=assets["css"])
    page.evaluate(BEFORE_SCRIPTS)
    for _ in range(200):  # requested since the <head> was read; Playwright hands it over
        if held:
            break
        page.wait_for_timeout(25)
    assert held, "the page never asked for its script"
    held[0].continue_()
    started(page)
    result = page.evaluate(MOVED_SINCE)
    assert not result["started"]  # the "before" really is before the script
    assert result["seen"] > 20  # the header, the heading and the first step at least
    assert result["moved"] == []


def test_a_step_hides_and_shows_its_body(page):
    page.goto(GUIDE)
    started(page)
    first = STEPS[0]
    button = toggle(page, first.id)
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(body(page, first.id)).to_be_visible()

    button.click()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_have_text("Show")
    expect(button).to_have_attribute("aria-label", f"Show: {first.title}")
    expect(body(page, first.id)).to_be_hidden()
    expect(body(page, STEPS[1].id)).to_be_visible()  # the others stay as they were

    button.click()
    expect(body(page, first.id)).to_be_visible()
    expect(button).to_have_attribute("aria-label", f"Hide: {first.title}")


def test_hide_all_then_show_all(page):
    page.goto(GUIDE)
    started(page)
    all_button = page.locator("[data-step-nav-all]")
    expect(all_button).to_have_text("Hide all steps")
    all_button.click()
    for step in STEPS:
        expect(body(page, step.id)).to_be_hidden()
    expect(all_button).to_have_text("Show all steps")

    toggle(page, STEPS[0].id).click()  # one open, the rest closed: still "Show all"
    expect(all_button).to_have_text("Show all steps")
    all_button.click()
    for step in STEPS:
        expect(body(page, step.id)).to_be_visible()
    expect(all_button).to_have_text("Hide all steps")


def test_a_ticked_step_closes_and_stays_closed_after_reload(page):
    page.goto(GUIDE)
    started(page)
    second = STEPS[1]
    page.locator(f"#{second.id} [data-step-checkbox]").check()
    expect(body(page, second.id)).to_be_hidden()
    expect(page.locator("[data-step-nav-all]")).to_have_text("Show all steps")

    page.reload()
    started(page)
    expect(body(page, second.id)).to_be_hidden()
    expect(body(page, STEPS[0].id)).to_be_visible()
    expect(toggle(page, second.id)).to_have_attribute("aria-expanded", "false")


def test_a_link_to_a_ticked_step_opens_it(page):
    page.goto(GUIDE)
    started(page)
    second = STEPS[1]
    page.locator(f"#{second.id} [data-step-checkbox]").check()
    page.goto(f"{GUIDE}#{second.id}")
    page.reload()
    started(page)
    expect(body(page, second.id)).to_be_visible()


def test_a_short_way_line_opens_its_step_on_the_open_page(page):
    """The short way's lines link to their steps: a ticked (closed) step opens when its line is
    followed, without a reload."""
    short_way = content.load().operators["azercell"].short_way
    page.goto(GUIDE)
    started(page)
    target = short_way[1].step
    page.locator(f"#{target} [data-step-checkbox]").check()
    expect(body(page, target)).to_be_hidden()
    page.locator(f".short-way a[href='#{target}']").click()
    expect(body(page, target)).to_be_visible()
    expect(toggle(page, target)).to_have_attribute("aria-expanded", "true")
    expect(page.locator(f"#{target}")).to_be_in_viewport()
