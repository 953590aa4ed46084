"""Mobile first: at 320 CSS px, and with text at 200 %, no page scrolls sideways.

Text at 200 % is the user's own text-size setting (WCAG 1.4.4), not browser zoom: browser
zoom at 200 % on a 640 px screen *is* a 320 px layout, which the first case covers. The
setting is what Chromium's "Font size" preference changes, the default font size, which
the DevTools protocol sets with ``Page.setFontSizes`` (16 px -> 32 px). Unlike an inline
``html { font-size: 200% }`` it needs no change to the page (our CSP forbids inline style)
and it scales the page exactly as far as the page's CSS lets it: ``rem``/``em`` sizes grow,
``px`` sizes stay, as on a real phone. The test checks the root font really doubled.
"""

from __future__ import annotations

import pytest

from .conftest import LANGUAGES

pytestmark = pytest.mark.browser

WIDTH = 320
#: Chromium's default standard and monospace font sizes, in px.
DEFAULT_FONT_SIZES = {"standard": 16, "fixed": 13}

#: The horizontal overflow of the page, with the elements that stick out (for the message).
OVERFLOW = """() => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const culprits = Array.from(document.querySelectorAll('body *'))
        .filter((el) => el.getBoundingClientRect().right > width + 0.5)
        .filter((el) => el.checkVisibility())
        .slice(0, 5)
        .map((el) => el.tagName.toLowerCase()
             + (el.className ? '.' + String(el.className).split(' ').join('.') : '')
             + ' right=' + Math.round(el.getBoundingClientRect().right) + ' '
             + JSON.stringify((el.textContent || '').trim().slice(0, 40)));
    return {scrollWidth: root.scrollWidth, clientWidth: width,
            rootFontSize: getComputedStyle(root).fontSize, culprits};
}"""


@pytest.fixture(params=[1, 2], ids=["text-100", "text-200"])
def text_scale(request):
    return request.param


@pytest.fixture
def narrow_page(new_context, text_scale):
    # No service worker: the layout is the same, and it saves each language's precache.
    context = new_context(viewport={"width": WIDTH, "height": 640}, service_workers="block")
    page = context.new_page()
    if text_scale != 1:
        cdp = context.new_cdp_session(page)
        cdp.send("Page.setFontSizes", {"fontSizes": {
            name: size * text_scale for name, size in DEFAULT_FONT_SIZES.items()}})
    return page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_page_scrolls_sideways(narrow_page, site, text_scale, lang):
    problems = []
    for url in site.page_urls(lang):
        narrow_page.goto(url)
        found = narrow_page.evaluate(OVERFLOW)
        assert found["clientWidth"] == WIDTH
        assert found["rootFontSize"] == f"{16 * text_scale}px", url
        if found["scrollWidth"] > found["clientWidth"]:
            problems.append(f"{url}: {found['scrollWidth']} px wide, sticking out: "
                            + "; ".join(found["culprits"]))
    assert not problems, "pages wider than the screen:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_open_header_menus_fit_the_screen(narrow_page, text_scale, lang):
    """The language list and the section menu open over the page: each fits between the
    screen's edges, however large the text."""
    narrow_page.goto(f"/{lang}/azercell/")
    for menu in (".lang-switcher", ".site-menu"):
        narrow_page.click(f"{menu} > summary")
        panel = narrow_page.locator(f"{menu} nav").bounding_box()
        found = narrow_page.evaluate(OVERFLOW)
        assert found["rootFontSize"] == f"{16 * text_scale}px"
        assert found["scrollWidth"] == found["clientWidth"] == WIDTH, (menu, found["culprits"])
        assert 0 <= panel["x"] and panel["x"] + panel["width"] <= WIDTH, (menu, panel)
