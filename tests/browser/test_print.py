"""Print: each operator guide, in every language, fits on one or two A4 pages, with its
sources (the steps' "Sources" disclosures, closed on screen, printed open) and its short way
first, in readable type.

Chromium prints the page in print media (``static/css/print.css``) to a PDF; pypdf counts
its pages and extracts its text, so the sources are checked on the paper itself.
"""

from __future__ import annotations

import io
import re
import unicodedata

import pytest

from webapp import content, i18n

from .conftest import LANGUAGES

pytestmark = pytest.mark.browser

CONTENT = content.load()
MAX_PAGES = 2
#: The smallest type on paper: 9pt is 12 CSS px.
MIN_FONT_PX = 12

#: Every fact of the page (each copy, by ``data-fact``: only one copy has the element id): its
#: fact id, source host, and whether it is printed (print media on).
FACTS = """() => Array.from(document.querySelectorAll('.fact-item')).map((el) => ({
    id: el.dataset.fact, printed: el.checkVisibility(),
    host: el.querySelector('.fact-item__source a').textContent.trim()}))"""
#: Whether each fact under a step (in its "Sources" disclosure) is shown, and whether each
#: disclosure is open: closed on screen and on paper alike, and printed as if open.
FOLDED = """() => ({
    open: Array.from(document.querySelectorAll('li.step details.facts--fold')).map((d) => d.open),
    shown: Array.from(document.querySelectorAll('li.step .facts--fold .fact-item'))
        .map((el) => el.checkVisibility())})"""
#: Printed text smaller than the minimum: each element with text of its own, and the
#: generated ``::before``/``::after`` content.
SMALL_TEXT = """(min) => {
    const small = [];
    for (const el of document.body.querySelectorAll('*')) {
        if (!el.checkVisibility()) { continue; }
        const own = Array.from(el.childNodes)
            .some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        if (own && box.width > 1 && parseFloat(style.fontSize) < min) {
            small.push(el.tagName + '.' + el.className + ' ' + style.fontSize);
        }
        for (const pseudo of ['::before', '::after']) {
            const ps = getComputedStyle(el, pseudo);
            if (/^["'].*\\S.*["']$/.test(ps.content) && parseFloat(ps.fontSize) < min) {
                small.push(el.tagName + '.' + el.className + pseudo + ' ' + ps.fontSize);
            }
        }
    }
    return small;
}"""


def squeeze(text: str) -> str:
    """Text as extracted from a PDF, for searching: ligatures undone, no whitespace at all."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def on_paper(fragment: str, text: str, lang: str, length: int = 0) -> bool:
    """Whether a heading or title (its first ``length`` characters, all by default) is in the
    PDF's text. A PDF keeps each line in the order it is seen, which is not the order it is
    read where Arabic or Persian and a Latin name share a line ("Azercell" comes out before the
    Arabic words around it): there each of the fragment's words is looked for."""
    if i18n.text_direction(lang) == "rtl":
        # Words only: punctuation next to a Latin name (``Exclusive،``) and the zero-width
        # non-joiner inside Persian words may come out of the PDF elsewhere or not at all.
        words = re.findall(r"\w+", unicodedata.normalize("NFKC", fragment))
        if length:  # the first words, as the first characters elsewhere
            words = words[: max(3, len(words) // 2)]
        return all(squeeze(word) in text for word in words)
    return squeeze(fragment)[: length or None] in text


@pytest.fixture
def page(new_context):
    page = new_context(service_workers="block").new_page()
    page.emulate_media(media="print")
    return page


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("operator", list(CONTENT.operators))
def test_a_guide_prints_on_two_a4_pages_with_its_sources_in_readable_type(page, operator, lang):
    from pypdf import PdfReader

    url = f"/{lang}/{operator}/"
    page.goto(url)
    page.emulate_media(media="screen")
    on_screen = page.evaluate(FOLDED)
    assert on_screen["open"] and not any(on_screen["open"]) and not any(on_screen["shown"])
    page.emulate_media(media="print")
    folded = page.evaluate(FOLDED)  # the step's "Sources": shown on paper, not opened
    assert not any(folded["open"]) and folded["shown"] and all(folded["shown"])
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    assert 1 <= len(pdf.pages) <= MAX_PAGES, f"{url} prints on {len(pdf.pages)} pages"
    width, height = (round(float(x) / 72 * 25.4) for x in pdf.pages[0].mediabox[2:])
    assert (width, height) == (210, 297)  # A4, in mm
    text = squeeze(" ".join(p.extract_text() for p in pdf.pages))

    assert on_paper(page.locator("h1").first.text_content(), text, lang)
    facts = page.evaluate(FACTS)
    assert facts
    # Only repeats are left off paper: every fact of the page is printed once at least.
    assert {f["id"] for f in facts if f["printed"]} == {f["id"] for f in facts}
    missing = sorted({f["host"] for f in facts if squeeze(f["host"]) not in text})
    assert not missing, f"sources not on paper: {missing}"
    titles = page.locator(".step__text").all_text_contents()
    assert len(titles) == len(CONTENT.operators[operator].steps)
    for title in titles:
        assert on_paper(title, text, lang, 30), title
    # The short way comes first, on paper too.
    lines = page.locator(".short-way li").all_text_contents()
    assert len(lines) == len(CONTENT.operators[operator].short_way)
    for line in lines:
        assert on_paper(line, text, lang, 30), line
    if i18n.text_direction(lang) == "ltr":  # a PDF keeps right-to-left lines out of reading order
        assert text.index(squeeze(lines[0])[:30]) < text.index(squeeze(titles[0])[:30])

    # Readable: nothing printed smaller than 9pt.
    assert page.evaluate("matchMedia('print').matches")
    assert page.evaluate(SMALL_TEXT, MIN_FONT_PX) == []
