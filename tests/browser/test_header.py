"""The header leaves the screen to the guide: at most 120 px tall on a phone in every language,
with the language and the guide's sections each behind one button that works with and without
JavaScript, and by keyboard. Product names never break across lines.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from webapp import i18n, names

from .conftest import LANGUAGES

pytestmark = pytest.mark.browser

PHONES = {"390x844": {"width": 390, "height": 844}, "320x640": {"width": 320, "height": 640}}
MAX_HEADER_PX = 120
GUIDE = "azercell/"

LANG_BUTTON = ".lang-switcher > summary"
MENU_BUTTON = ".site-menu > summary"
LANG_LIST = ".lang-switcher nav"
MENU_LIST = ".site-menu nav"


@pytest.mark.parametrize("phone", PHONES)
def test_the_header_is_at_most_120_px_tall_on_a_phone_in_every_language(new_context, phone):
    page = new_context(viewport=PHONES[phone], service_workers="block").new_page()
    heights = {}
    for lang in LANGUAGES:
        for path in ("", GUIDE, f"{GUIDE}clerk/", "finder/"):
            page.goto(f"/{lang}/{path}")
            heights[f"/{lang}/{path}"] = page.evaluate(
                "document.querySelector('.site-header').getBoundingClientRect().height"
            )
    too_tall = {url: h for url, h in heights.items() if h > MAX_HEADER_PX}
    assert not too_tall, f"headers taller than {MAX_HEADER_PX} px at {phone}: {too_tall}"


@pytest.fixture(params=["js", "no-js"])
def scripting(request):
    return request.param


@pytest.fixture
def phone_page(new_context, scripting):
    page = new_context(
        viewport=PHONES["320x640"], service_workers="block", java_script_enabled=scripting == "js"
    ).new_page()
    page.started = lambda: (
        scripting == "no-js" or page.wait_for_selector("[data-header-menu-init]", state="attached")
    )
    return page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_language_control_names_the_language_and_switches_it(phone_page, lang):
    page = phone_page
    page.goto(f"/{lang}/{GUIDE}")
    page.started()
    button = page.locator(LANG_BUTTON)
    expect(button).to_contain_text(i18n.NATIVE_NAMES[lang])
    expect(page.locator(LANG_LIST)).to_be_hidden()
    button.click()
    links = page.locator(f"{LANG_LIST} a")
    expect(links).to_have_count(len(LANGUAGES))
    for code, link in zip(LANGUAGES, links.all(), strict=True):
        expect(link).to_be_visible()
        expect(link).to_have_text(i18n.NATIVE_NAMES[code])
        expect(link).to_have_attribute("lang", i18n.HTML_LANG[code])
    other = next(code for code in LANGUAGES if code != lang)
    page.locator(f'{LANG_LIST} a[hreflang="{i18n.HTML_LANG[other]}"]').click()
    expect(page).to_have_url(re.compile(f"/{other}/{GUIDE}$"))
    expect(page.locator("html")).to_have_attribute("lang", i18n.HTML_LANG[other])


def test_the_section_menu_opens_and_leads_to_a_section(phone_page):
    page = phone_page
    page.goto(f"/en/{GUIDE}")
    page.started()
    expect(page.locator(MENU_LIST)).to_be_hidden()
    page.locator(MENU_BUTTON).click()
    menu = page.locator(MENU_LIST)
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link", name="Azercell")).to_have_attribute("aria-current", "page")
    menu.get_by_role("link", name="Which operator is my number?").click()
    expect(page).to_have_url(re.compile("/en/finder/$"))
    page.locator(MENU_BUTTON).click()
    expect(
        page.locator(MENU_LIST).get_by_role("link", name="Which operator is my number?")
    ).to_have_attribute("aria-current", "page")


def test_the_menus_work_by_keyboard(phone_page, scripting):
    """Tab reaches each button after the skip link and the brand, Enter opens it, Tab goes
    through its links, and Enter follows one."""
    page = phone_page
    page.goto(f"/en/{GUIDE}")
    page.started()
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator(".brand")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator(LANG_BUTTON)).to_be_focused()
    expect(page.locator(LANG_BUTTON)).to_have_accessible_name("Language: English")
    page.keyboard.press("Tab")
    expect(page.locator(MENU_BUTTON)).to_be_focused()
    expect(page.locator(MENU_BUTTON)).to_have_accessible_name("Menu")
    page.keyboard.press("Enter")
    expect(page.locator(MENU_LIST)).to_be_visible()
    expect(page.locator(".site-menu")).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(page.locator(f"{MENU_LIST} a").first).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator(f"{MENU_LIST} a").nth(1)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/en/prepare/$"))

    page.keyboard.press("Tab")  # the skip link, then the brand, then the language button
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator(LANG_BUTTON)).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator(LANG_LIST)).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator(f"{LANG_LIST} a").nth(1)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/az/prepare/$"))


@pytest.fixture
def js_page(new_context):
    page = new_context(viewport=PHONES["390x844"], service_workers="block").new_page()
    page.goto(f"/en/{GUIDE}")
    page.wait_for_selector("[data-header-menu-init]", state="attached")
    return page


def test_escape_closes_an_open_menu_and_returns_focus_to_its_button(js_page):
    page = js_page
    page.locator(MENU_BUTTON).click()
    page.locator(f"{MENU_LIST} a").nth(2).focus()
    page.keyboard.press("Escape")
    expect(page.locator(MENU_LIST)).to_be_hidden()
    expect(page.locator(MENU_BUTTON)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(MENU_LIST)).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator(MENU_LIST)).to_be_hidden()


def test_a_click_outside_or_on_the_other_button_closes_an_open_menu(js_page):
    page = js_page
    page.locator(LANG_BUTTON).click()
    expect(page.locator(LANG_LIST)).to_be_visible()
    page.mouse.click(5, 800)  # on the page, beside the open list
    expect(page.locator(LANG_LIST)).to_be_hidden()

    page.locator(LANG_BUTTON).click()
    page.locator(MENU_BUTTON).click()
    expect(page.locator(MENU_LIST)).to_be_visible()
    expect(page.locator(LANG_LIST)).to_be_hidden()


def test_focus_leaving_an_open_menu_closes_it(js_page):
    page = js_page
    page.locator(LANG_BUTTON).click()
    page.locator(f"{LANG_LIST} a").last.focus()
    page.keyboard.press("Tab")  # to the menu button
    expect(page.locator(MENU_BUTTON)).to_be_focused()
    expect(page.locator(LANG_LIST)).to_be_hidden()


#: Every piece of text holding a product name that lies on more than one line.
BROKEN_NAMES = """(names) => {
    const broken = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.parentElement.checkVisibility()) { continue; }
        for (const name of names) {
            for (let at = node.data.indexOf(name); at !== -1;
                 at = node.data.indexOf(name, at + 1)) {
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + name.length);
                const rects = Array.from(range.getClientRects());
                const tops = new Set(rects.map((r) => Math.round(r.top)));
                if (tops.size > 1) {
                    broken.push(name + ' in ' + node.parentElement.outerHTML.slice(0, 80));
                }
            }
        }
    }
    return broken;
}"""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_product_name_breaks_across_lines_on_the_narrowest_phone(new_context, site, lang):
    page = new_context(viewport=PHONES["320x640"], service_workers="block").new_page()
    problems = []
    for url in site.page_urls(lang):
        page.goto(url)
        problems += [f"{url}: {b}" for b in page.evaluate(BROKEN_NAMES, list(names.NAMES))]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("phone", PHONES)
def test_the_clerk_cards_back_button_stands_clear_of_the_header(new_context, phone):
    page = new_context(viewport=PHONES[phone], service_workers="block").new_page()
    gaps = {}
    for lang in LANGUAGES:
        page.goto(f"/{lang}/{GUIDE}clerk/")
        gaps[lang] = page.evaluate("""() => document.querySelector('.clerk__back .button')
            .getBoundingClientRect().top - document.querySelector('.site-header')
            .getBoundingClientRect().bottom""")
    assert all(gap >= 12 for gap in gaps.values()), gaps  # it touched the header (0 px)
