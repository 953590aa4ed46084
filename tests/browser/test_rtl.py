"""Right to left, as the reader sees it: where each character lands on the screen.

Arabic and Persian pages run right to left; a phone number or code inside them must still
read left to right (``+994 50 123 45 67``, not ``67 45 123 50 994+``), and an arrow that
points back must point to the start of the line. Markup alone does not prove it: these tests
take the boxes the browser laid each character out in (``Range.getClientRects``) and compare
their order on the line with the order of the characters in the text.
"""

from __future__ import annotations

import pytest

from webapp import content, i18n

from .conftest import LANGUAGES, normalise

pytestmark = pytest.mark.browser

RTL = [lang for lang in LANGUAGES if i18n.text_direction(lang) == "rtl"]
CONTENT = content.load()

#: Every number or code shown in the page (the same runs as tests/test_direction.py finds in the
#: HTML: a sign on digits, digit groups joined by a space or hyphen, an e-mail address), each with
#: the screen position of each of its characters, and whether they read left to right: on each
#: line, every character to the right of the one before it.
VISUAL_ORDER = """(root) => {
    const RUN = /[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+|[+*#]?\\d+(?:[ \\u00a0-]\\d+)*#?/g;
    const CODE = /@|^[+*#]|#$|\\d[ \\u00a0-]\\d/;
    const runs = [];
    const walker = document.createTreeWalker(root || document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || parent.closest('script, style, template') || !parent.checkVisibility()) {
            continue;
        }
        for (const match of node.data.matchAll(RUN)) {
            if (!CODE.test(match[0])) { continue; }
            const boxes = [];
            for (let i = match.index; i < match.index + match[0].length; i++) {
                if (/\\s/.test(node.data[i])) { continue; }  // a space has no place of its own
                const range = document.createRange();
                range.setStart(node, i);
                range.setEnd(node, i + 1);
                const rect = range.getBoundingClientRect();
                const x = rect.left + rect.width / 2;
                boxes.push({char: node.data[i], x: x, top: Math.round(rect.top)});
            }
            const inOrder = boxes.every((box, i) => i === 0 || box.top !== boxes[i - 1].top
                                        || box.x > boxes[i - 1].x);
            const shown = boxes.slice().sort((a, b) => a.top - b.top || a.x - b.x)
                .map((box) => box.char).join('');
            runs.push({text: match[0], shown, inOrder,
                       direction: getComputedStyle(parent).direction});
        }
    }
    return runs;
}"""


def out_of_order(runs: list[dict]) -> list[str]:
    return [f"{run['text']!r} shows as {run['shown']!r}" for run in runs if not run["inOrder"]]


@pytest.fixture
def wide_page(new_context):
    """A tablet's width, so that no number is broken across two lines; no service worker."""
    return new_context(viewport={"width": 1024, "height": 900}, service_workers="block").new_page()


@pytest.mark.parametrize("lang", RTL)
def test_every_page_runs_right_to_left_and_its_numbers_left_to_right(wide_page, site, lang):
    page = wide_page
    problems, seen = [], 0
    for url in site.page_urls(lang):
        page.goto(url)
        assert page.evaluate("document.documentElement.dir") == "rtl", url
        assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
        # Every disclosure open (a step's "Sources" is closed on screen): what it holds is laid
        # out, and measured, too.
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        runs = page.evaluate(VISUAL_ORDER)
        seen += len(runs)
        problems += [f"{url}: {problem}" for problem in out_of_order(runs)]
    assert seen > 20  # *1111, the e-mail addresses, the forms' examples…
    assert not problems, "numbers and codes out of order:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "html, in_order",
    [
        ("<p>اتصل بالرقم +994 50 123 45 67 الآن</p>", False),
        ('<p>اتصل بالرقم <bdi dir="ltr">+994 50 123 45 67</bdi> الآن</p>', True),
        ("<p>اتصل بالرقم \u2066+994 50 123 45 67\u2069 الآن</p>", True),
        ("<p>اتصل بـ *1111 مجانًا</p>", False),
        ('<p>اتصل بـ <a href="tel:*1111" dir="ltr">*1111</a> مجانًا</p>', True),
    ],
)
def test_a_number_shown_out_of_order_is_caught(page, html, in_order):
    page.set_content(f'<html lang="ar" dir="rtl"><body>{html}</body></html>')
    runs = page.evaluate(VISUAL_ORDER)
    assert len(runs) == 1 and runs[0]["inOrder"] is in_order, runs


@pytest.mark.parametrize("lang", RTL)
def test_the_finder_reads_arabic_and_persian_digits_and_answers_left_to_right(wide_page, lang):
    page = wide_page
    page.goto(f"/{lang}/finder/")
    page.wait_for_selector("[data-finder-input]:visible")
    for typed, prefix, operator in [
        ("٠٥٠ ١٢٣ ٤٥ ٦٧", "050", "azercell"),
        ("۰۵۵ ۱۲۳ ۴۵ ۶۷", "055", "bakcell"),
        ("\u200f+٩٩٤ ٧٠ ١٢٣ ٤٥ ٦٧", "070", "nar"),
    ]:
        page.fill("[data-finder-input]", typed)
        page.wait_for_selector("[data-finder-result] a")
        answer = page.locator("[data-finder-result] .finder__answer")
        assert page.locator("[data-finder-result] [data-finder-prefix]").text_content() == prefix
        assert (
            page.locator("[data-finder-result] a").get_attribute("href") == f"/{lang}/{operator}/"
        )
        assert CONTENT.operators[operator].name in normalise(answer.text_content())
        assert (
            page.evaluate(
                "getComputedStyle(document.querySelector('[data-finder-prefix]')).direction"
            )
            == "ltr"
        )
    # A malformed number: the answer's examples, in the page's language, read left to right.
    page.fill("[data-finder-input]", "٠٥٠ ١٢أ")
    page.wait_for_selector("[data-finder-result] p + p")
    runs = page.evaluate(f"() => ({VISUAL_ORDER})(document.querySelector('[data-finder-result]'))")
    assert [run["text"] for run in runs] == ["+994 50 123 45 67", "050 123 45 67"]
    assert out_of_order(runs) == []


@pytest.mark.parametrize("lang", RTL)
def test_the_clerk_card_takes_persian_digits_and_shows_the_number_left_to_right(new_context, lang):
    page = new_context(viewport={"width": 320, "height": 640}, service_workers="block").new_page()
    page.goto(f"/{lang}/azercell/clerk/")
    page.wait_for_selector("[data-clerk-number-init]", state="attached")

    # A refusal, with its examples left to right inside the page's language.
    page.fill("[data-clerk-number-input]", "۰۵۰ ۱۲۳ ۴۵")
    page.press("[data-clerk-number-input]", "Enter")
    error = page.locator("[data-clerk-number-error]")
    assert error.is_visible()
    runs = page.evaluate(
        f"() => ({VISUAL_ORDER})(document.querySelector('[data-clerk-number-error]'))"
    )
    assert [run["text"] for run in runs] == ["+994"] and out_of_order(runs) == []

    page.fill("[data-clerk-number-input]", "۰۵۵ ۱۲۳ ۴۵ ۶۷")
    page.press("[data-clerk-number-input]", "Enter")
    page.wait_for_selector("[data-clerk-number-card]:not([hidden])")
    card = page.evaluate("""() => {
        const card = document.querySelector('[data-clerk-number-card]');
        const digits = card.querySelector('[data-clerk-number-digits]');
        const box = (el) => el.getBoundingClientRect();
        const label = Array.from(card.querySelectorAll('[data-clerk-number-label]'))
            .find((el) => el.checkVisibility());
        const side = (el) => ({direction: getComputedStyle(el).direction,
                               left: box(el).left, right: box(el).right});
        return {digits: digits.textContent, direction: getComputedStyle(digits).direction,
                az: side(label.querySelector('[lang=az]')),
                ru: side(label.querySelector('[lang=ru]')),
                own: getComputedStyle(label.querySelector('.clerk-number__own')).direction,
                fits: box(digits).left >= box(card).left && box(digits).right <= box(card).right};
    }""")
    assert card["digits"] == "+994 55 123 45 67" and card["direction"] == "ltr"
    assert card["fits"]
    runs = page.evaluate(
        f"() => ({VISUAL_ORDER})(document.querySelector('[data-clerk-number-card]'))"
    )
    assert [run["text"] for run in runs] == ["+994 55 123 45 67"] and out_of_order(runs) == []
    # The card is Azerbaijani with Russian beneath, both left to right; the small print is the
    # page's.
    assert card["az"]["direction"] == card["ru"]["direction"] == "ltr"
    assert card["own"] == "rtl"


@pytest.mark.parametrize("lang", ["en", *RTL])
def test_the_back_arrow_points_to_the_start_of_the_line(wide_page, lang):
    page = wide_page
    page.goto(f"/{lang}/nar/clerk/")
    arrow = page.evaluate("""() => {
        const icon = document.querySelector('.clerk__back .direction-icon');
        const link = icon.closest('a');
        const range = document.createRange();
        range.selectNodeContents(link);
        range.setStartAfter(icon);
        const text = range.getBoundingClientRect(), box = icon.getBoundingClientRect();
        return {char: icon.textContent, transform: getComputedStyle(icon).transform,
                before: getComputedStyle(link).direction === 'rtl' ? box.left >= text.right - 1
                                                                   : box.right <= text.left + 1};
    }""")
    assert arrow["char"] == "←" and arrow["before"]  # first on the line, where reading starts
    # Mirrored in right-to-left pages: it points right, to the start, as "back" does there.
    assert arrow["transform"] == ("matrix(-1, 0, 0, 1, 0, 0)" if lang in RTL else "none")
