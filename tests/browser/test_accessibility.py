"""Accessibility: axe-core on every page, language and colour scheme; keyboard; screen readers.

axe-core comes bundled in the ``axe-playwright-python`` package (nothing is fetched). It is
injected with ``page.evaluate``, which Playwright runs through the DevTools protocol: the
page's strict CSP (``script-src 'self'``) does not apply to it, so the pages are checked
with their real CSP and no ``bypass_csp`` context is needed.

Pages are checked as a reader sees them: scripts on, the language saved for offline use
(the footer says so), the clerk card's wake-lock note shown, and the finder with an answer.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from webapp import content

from .conftest import LANGUAGES, wait_offline_ready

pytestmark = pytest.mark.browser

#: The page background in each scheme (``--bg`` in app.css): proof the scheme was applied.
SCHEMES = {"light": "rgb(255, 255, 255)", "dark": "rgb(15, 26, 25)"}
GUIDE = "/en/azercell/"
CONTENT = content.load()


@pytest.fixture(scope="module")
def axe_script() -> str:
    """axe-core's source, as axe-playwright-python bundles it."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe().axe_script


def inject_axe(page, axe_script: str) -> None:
    """axe-core into the page, once a page."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_script)


def violations(page, axe_script: str) -> list[str]:
    """axe-core's violations on the page as it is now, one line each."""
    inject_axe(page, axe_script)
    found = page.evaluate("axe.run({resultTypes: ['violations']})")["violations"]
    return [
        f"{page.url} {v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in found
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_finds_no_violation_on_any_page(new_context, site, axe_script, lang):
    """Each page in both schemes, switched in place: a reload per scheme costs a quarter more."""
    page = new_context().new_page()
    problems = []
    for n, url in enumerate(site.page_urls(lang)):
        page.emulate_media(color_scheme="light")
        page.goto(url)
        if n == 0:
            wait_offline_ready(page)  # then every page says it is saved, as a reader sees it
        if url.endswith("/finder/"):
            page.fill("[data-finder-input]", "+994 50 123 45 67")
            page.wait_for_selector("[data-finder-result] a")
        for scheme, background in SCHEMES.items():
            page.emulate_media(color_scheme=scheme)
            now = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert now == background, f"{url} is not in the {scheme} scheme"
            problems += [f"[{scheme}] {line}" for line in violations(page, axe_script)]
    assert not problems, "axe-core violations:\n" + "\n".join(problems)


#: Every component on the page has started (each stamps its root ``data-<module>-init``).
ALL_STARTED = """() => Array.from(document.querySelectorAll('[data-module]'))
    .every((el) => el.hasAttribute('data-' + el.dataset.module + '-init'))"""


def test_targets_are_large_enough_on_the_narrowest_phone_as_the_page_loads(
    new_context, site, axe_script
):
    """Lighthouse runs axe on the page as it loads, without scrolling. (When parts far below
    the first screen were laid out lazily, a placeholder shorter than its content made that
    content seem to cover the links after it, and axe's target-size rule failed there.)"""
    page = new_context(viewport={"width": 320, "height": 640}, service_workers="block").new_page()
    problems = []
    for lang in LANGUAGES:
        for url in site.page_urls(lang):
            page.goto(url)
            page.wait_for_function(ALL_STARTED)
            assert page.evaluate("scrollY") == 0
            inject_axe(page, axe_script)
            found = page.evaluate("axe.run({runOnly: ['target-size']})")["violations"]
            problems += [
                f"{url}: " + " ".join(n["target"]) + " " + n["failureSummary"]
                for v in found
                for n in v["nodes"]
            ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_finds_no_violation_with_a_header_menu_open(new_context, axe_script, lang):
    """The language list and the section menu, each open over the page, in both schemes, on
    the narrowest phone (where the menu covers most of the first screen)."""
    page = new_context(viewport={"width": 320, "height": 640}, service_workers="block").new_page()
    page.goto(f"/{lang}/azercell/")
    page.wait_for_function(ALL_STARTED)
    problems = []
    for menu in (".lang-switcher", ".site-menu"):
        page.click(f"{menu} > summary")
        expect(page.locator(f"{menu} nav")).to_be_visible()
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme)
            problems += [f"[{menu} {scheme}] {line}" for line in violations(page, axe_script)]
    assert not problems, "axe-core violations:\n" + "\n".join(problems)


# -- keyboard and screen readers (English guide page) ------------------------------------


@pytest.fixture
def guide_page(new_context):
    page = new_context(service_workers="block").new_page()
    page.goto(GUIDE)
    page.wait_for_selector(
        "html.js-enabled [data-step-nav-init] [data-checklist-init]", state="attached"
    )
    return page


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(guide_page):
    page = guide_page
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert skip.get_attribute("href") == "#main"
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab continues from main, not from the top of the page.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


#: Every element a keyboard user should reach, numbered, with its look when not focused.
FOCUSABLE = """() => Array.from(document.querySelectorAll(
        'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])'))
    .filter((el) => !el.disabled && el.checkVisibility({visibilityProperty: true}))
    .map((el, i) => {
        el.dataset.focusProbe = i;
        const s = getComputedStyle(el);
        return {outline: s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor,
                shadow: s.boxShadow, name: el.outerHTML.slice(0, 80)};
    })"""
#: The focused element's number and its look now.
FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body || el.dataset.focusProbe === undefined) { return null; }
    const s = getComputedStyle(el);
    return {probe: Number(el.dataset.focusProbe), visible: el.matches(':focus-visible'),
            outline: s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor,
            outlineWidth: parseFloat(s.outlineWidth), outlineStyle: s.outlineStyle,
            shadow: s.boxShadow};
}"""


def test_every_interactive_element_is_reached_by_tab_and_shows_focus(guide_page):
    page = guide_page
    page.evaluate("document.activeElement.blur()")
    before = page.evaluate(FOCUSABLE)
    assert len(before) > 20  # links, step toggles, ticks, reminder form...
    reached, problems = set(), []
    for _ in range(3 * len(before)):  # a date input takes several Tabs
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
        if now is None:
            break  # past the last stop
        if now["probe"] in reached:
            continue
        reached.add(now["probe"])
        was = before[now["probe"]]
        outlined = now["outlineStyle"] != "none" and now["outlineWidth"] > 0
        shown = outlined or now["shadow"] != "none"
        changed = (now["outline"], now["shadow"]) != (was["outline"], was["shadow"])
        if not (now["visible"] and shown and changed):
            problems.append(f"no visible focus: {was['name']}")
    missed = [el["name"] for i, el in enumerate(before) if i not in reached]
    assert not missed, "not reachable by Tab:\n" + "\n".join(missed)
    assert not problems, "\n".join(problems)


def test_step_numbers_are_announced(new_context):
    page = new_context(service_workers="block", java_script_enabled=False).new_page()
    for guide in [*CONTENT.operators, "prepare", "aftercare"]:
        page.goto(f"/en/{guide}/")
        steps = (CONTENT.operators.get(guide) or CONTENT.sections[guide]).steps
        headings = page.locator("li.step h2")
        expect(headings).to_have_count(len(steps))
        for n in range(len(steps)):
            expect(headings.nth(n)).to_have_accessible_name(re.compile(rf"^Step {n + 1}: \S"))
            expect(headings.nth(n)).to_have_attribute("id", f"{steps[n].id}-title")


def test_checklist_ticks_have_names_and_announce_their_state(guide_page):
    page = guide_page
    boxes = page.locator("[data-step-checkbox]")
    titles = page.locator("li.step h2")
    total = boxes.count()
    assert total == titles.count() > 0
    for n in range(total):
        expect(boxes.nth(n)).to_have_accessible_name("Done")
        expect(boxes.nth(n)).to_have_accessible_description(
            re.compile(rf"^Step {n + 1}: \S")
        )  # which step it ticks
    expect(page.get_by_role("checkbox", checked=False)).to_have_count(total)
    boxes.nth(1).press("Space")
    expect(page.get_by_role("checkbox", checked=True)).to_have_count(1)
    expect(page.get_by_role("checkbox", name="Done", checked=True)).to_have_accessible_description(
        re.compile(r"^Step 2: ")
    )
    progress = page.locator("[data-checklist-progress]")
    expect(progress).to_have_attribute("aria-live", "polite")
    expect(progress).to_have_text(f"1 of {total} steps done")
