"""Mobile first: at 320 CSS px, and with text at 200 %, no page scrolls sideways, and nothing
sticks out of its box on the side where lines start.

A right-to-left page (Arabic, Persian) that overflows does so on the left, where a page
cannot be scrolled at all, and a box that overflows its parent on the start side (the right)
hides its first words: both are looked for on every page, in every language.

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

#: The horizontal overflow of the page, with the elements that stick out of the screen on
#: either side (for the message), and the elements that stick out of their own box on its start
#: side: the parent's for a box in the flow, the containing block's for a positioned one.
#: Visually hidden text (clipped to nothing, for screen readers) is not laid out for the eye.
OVERFLOW = """() => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const rtl = getComputedStyle(document.body).direction === 'rtl';
    const name = (el) => el.tagName.toLowerCase()
        + (el.className ? '.' + String(el.className).split(' ').join('.') : '')
        + ' ' + JSON.stringify((el.textContent || '').trim().slice(0, 40));
    const shown = Array.from(document.querySelectorAll('body *'))
        .filter((el) => el.checkVisibility() && getComputedStyle(el).clipPath === 'none');
    const culprits = shown
        .filter((el) => el.getBoundingClientRect().right > width + 0.5
                || el.getBoundingClientRect().left < -0.5)
        .slice(0, 5)
        .map((el) => name(el) + ' left=' + Math.round(el.getBoundingClientRect().left)
             + ' right=' + Math.round(el.getBoundingClientRect().right));
    const startSide = shown.filter((el) => {
        const position = getComputedStyle(el).position;
        const placed = position === 'absolute' || position === 'fixed';
        const box = placed ? el.offsetParent : el.parentElement;
        if (!box || box === document.body.parentElement) { return false; }
        const inner = el.getBoundingClientRect(), outer = box.getBoundingClientRect();
        return rtl ? inner.right > outer.right + 0.5 : inner.left < outer.left - 0.5;
    }).slice(0, 5).map((el) => name(el) + ' sticks out of ' + name(
        el.offsetParent && getComputedStyle(el).position === 'absolute'
            ? el.offsetParent : el.parentElement));
    return {scrollWidth: root.scrollWidth, clientWidth: width, direction: rtl ? 'rtl' : 'ltr',
            rootFontSize: getComputedStyle(root).fontSize, culprits, startSide};
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
        cdp.send(
            "Page.setFontSizes",
            {"fontSizes": {name: size * text_scale for name, size in DEFAULT_FONT_SIZES.items()}},
        )
    return page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_page_scrolls_sideways(narrow_page, site, text_scale, lang):
    problems = []
    for url in site.page_urls(lang):
        narrow_page.goto(url)
        found = narrow_page.evaluate(OVERFLOW)
        assert found["clientWidth"] == WIDTH
        assert found["rootFontSize"] == f"{16 * text_scale}px", url
        assert found["direction"] == ("rtl" if lang in ("ar", "fa") else "ltr"), url
        if found["scrollWidth"] > found["clientWidth"] or found["culprits"]:
            problems.append(
                f"{url}: {found['scrollWidth']} px wide, sticking out: "
                + "; ".join(found["culprits"])
            )
        if found["startSide"]:
            problems.append(f"{url}: on the start side: " + "; ".join(found["startSide"]))
    assert not problems, "pages wider than the screen:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "direction, css, caught",
    [
        (
            "rtl",
            ".box { margin-right: -2rem }",
            "start",
        ),  # a physical margin, mirrored by hand wrongly
        ("rtl", ".box { margin-left: -2rem }", None),  # the end side: the text is not hidden there
        ("rtl", ".box { width: 400px }", "screen"),  # wider than the screen: out on the left
        ("ltr", ".box { margin-left: -2rem }", "start"),
        ("rtl", ".box { margin-inline-start: 1rem }", None),
    ],
)
def test_a_box_sticking_out_is_caught(narrow_page, direction, css, caught):
    narrow_page.set_content(
        f'<html dir="{direction}"><head><style>body {{ margin: 0 }} '
        f".outer {{ margin: 0 2.5rem }} {css}</style></head><body>"
        '<div class="outer"><p class="box">نص — text</p></div></body></html>'
    )
    found = narrow_page.evaluate(OVERFLOW)
    assert bool(found["startSide"]) is (caught == "start"), found
    assert bool(found["culprits"]) is (caught == "screen"), found


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
        assert panel["x"] >= 0 and panel["x"] + panel["width"] <= WIDTH, (menu, panel)
