"""Steps open and close one by one, "Hide all"/"Show all" works, and nothing moves on start.

The toggles, ticks and the checklist bar are in the server's markup, so starting the
scripts does not push the steps down: the browser's own layout-shift entries (what
Lighthouse's Cumulative Layout Shift adds up) stay empty on a first visit.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from webapp import content

from .conftest import LANGUAGES

pytestmark = pytest.mark.browser

GUIDE = "/en/azercell/"
STEPS = content.load().operators["azercell"].steps

#: The layout shifts since the document was parsed (the scripts run after that, so these
#: are theirs), once the scripts have started, after two frames so that a late shift counts
#: too. Shifts while the document is still being parsed are left out: on a loaded machine
#: the parser may paint half a step header and then add the rest of it.
LAYOUT_SHIFTS = """() => new Promise((resolve) => {
    const parsed = performance.getEntriesByType('navigation')[0].domInteractive;
    const shifts = [];
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
            if (entry.startTime < parsed) { continue; }
            shifts.push({value: entry.value, at: entry.startTime, sources: (entry.sources || [])
                .map((s) => s.node ? (s.node.id || s.node.className || s.node.nodeName) : '?')});
        }
    }).observe({type: 'layout-shift', buffered: true});
    requestAnimationFrame(() => requestAnimationFrame(
        () => setTimeout(() => resolve(shifts), 50)));
})"""


def started(page) -> None:
    page.wait_for_selector("[data-step-nav-init] [data-checklist-init]", state="attached")


def toggle(page, step_id: str):
    return page.locator(f"#{step_id} .step__toggle")


def body(page, step_id: str):
    return page.locator(f"#{step_id}-body")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", ["azercell", "aftercare", "prepare"])
def test_starting_the_scripts_moves_nothing(page, lang, name):
    page.set_viewport_size({"width": 412, "height": 823})  # Lighthouse's phone
    page.goto(f"/{lang}/{name}/")
    started(page)
    assert page.evaluate(LAYOUT_SHIFTS) == []


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
