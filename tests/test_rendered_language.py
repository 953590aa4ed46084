"""Every page is wholly in its reader's language: what a page shows, not what a catalog holds.

A whole Questions page once shipped in English in three languages while every catalog
test passed, because the extractor never saw it. So this test reads the built pages: on
every page of every language but English, no text run may also appear verbatim on the
English page at the same URL. Text a page marks as another language (``lang="az"`` on
the clerk card, the language switcher's own names) is meant to be the same everywhere,
and so are numbers, codes, e-mail addresses, web addresses and proper names.
"""

from __future__ import annotations

import json
import re

import pytest
from htmlwalk import Walker

from webapp import i18n, pages

#: Attributes whose values a reader sees or hears (or the page's script shows).
SHOWN_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "label"}
#: Names that are the same in every language (proper nouns, never translated).
PROPER_NAMES = {
    "Azercell",
    "Bakcell",
    "Nar",
    "Naxtel",
    "Nar+",
    "Kabinetim",
    "Azercell Kabinetim",
    "Paycell",
    "Bakcellim",
    "SimSim",
    "FONEX",
    "Aztelekom",
    "phonenumbers",
    "libphonenumber",
}
#: Text that may be the same as on the English page, each with the reason.
ALLOWED = {
    "SIM Exit": "the product's name, kept in every language",
    "eSIM": "the product's name as phones and operators print it",
    "AZN": "the currency code, as printed on receipts",
    "24x7": "as the operator writes it",
}
#: Words spelt the same in English and in one language, each with the reason.
SAME_WORD = {
    "az": {"Operator": "Azerbaijani for operator is 'operator'"},
}
#: Runs made of nothing a translator translates: digits, codes (*1111, +994 …), punctuation.
NO_WORDS = re.compile(r"^[\W\d_]*$")
#: E-mail addresses, web addresses and host names (a fact's source is shown by its host).
ADDRESS = re.compile(r"^(\S+@\S+\.\S+|https?://\S+|([a-z0-9-]+\.)+[a-z]{2,}(/\S*)?)$", re.I)


class TextRuns(Walker):
    """The text runs of a page, leaving out text marked as being in another language."""

    def __init__(self, page_lang: str):
        super().__init__("lang")
        self.page_lang = page_lang
        self.runs: list[str] = []

    def _own_language(self) -> bool:
        return (
            self.value(self.page_lang).split("-")[0].lower()
            == self.page_lang.split("-")[0].lower()
        )

    def _add(self, text: str) -> None:
        text = " ".join(text.split())
        if text:
            self.runs.append(text)

    def start(self, tag, attrs):
        if tag == "html":
            self.page_lang = attrs.get("lang") or self.page_lang
        if self.hidden() or not self._own_language():
            return
        for name, value in attrs.items():
            if value is None:
                continue
            if name in SHOWN_ATTRIBUTES or name.startswith("data-i18n."):
                self._add(value)
            elif name == "data-progress-texts":
                for text in json.loads(value):
                    self._add(text)
        if tag == "meta" and attrs.get("name") == "description":
            self._add(attrs.get("content") or "")

    def text(self, data):
        if self._own_language():
            self._add(data)


def text_runs(html: str, lang: str) -> list[str]:
    parser = TextRuns(lang)
    parser.feed(html)
    parser.close()
    return parser.runs


def needs_translation(run: str, code: str = "") -> bool:
    """Whether a run shared with the English page is a defect (words a translator translates)."""
    if (
        NO_WORDS.match(run)
        or ADDRESS.match(run)
        or run in ALLOWED
        or run in SAME_WORD.get(code, {})
    ):
        return False
    words = [w for w in re.split(r"[\s,;:·/()–—-]+", run) if w and not NO_WORDS.match(w)]
    return not all(w in PROPER_NAMES or w in ALLOWED for w in words)


@pytest.fixture(scope="module")
def site(site):
    """The session's site build (conftest ``site``), with every page URL of each language."""
    with site["app"].test_request_context():
        urls = {code: pages.page_urls(code) for code in i18n.LANGUAGES}
    return {"dir": site["dir"], "urls": urls}


def page(site, url: str) -> str:
    return (site["dir"] / url.strip("/") / "index.html").read_text(encoding="utf-8")


def english_twin(url: str, code: str) -> str:
    return "/en/" + url.removeprefix(f"/{code}/")


@pytest.mark.parametrize("code", [c for c in i18n.LANGUAGES if c != "en"])
def test_no_page_shows_english_text(site, code):
    untranslated = {}
    for url in site["urls"][code]:
        english = set(text_runs(page(site, english_twin(url, code)), "en"))
        shown = text_runs(page(site, url), i18n.HTML_LANG[code])
        same = sorted({run for run in shown if run in english and needs_translation(run, code)})
        if same:
            untranslated[url] = same
    assert not untranslated, "English text on translated pages:\n" + "\n".join(
        f"{url}: {runs!r}" for url, runs in untranslated.items()
    )


def test_every_page_has_an_english_twin(site):
    for code, urls in site["urls"].items():
        assert [english_twin(u, code) for u in urls] == site["urls"]["en"]


def test_the_reader_sees_the_text_that_the_test_reads(site):
    """The parser sees step text, answers, attributes and scripts' strings, not other languages."""
    runs = text_runs(page(site, "/en/faq/"), "en")
    assert any("Questions" in r for r in runs)
    clerk = text_runs(page(site, "/en/azercell/clerk/"), "en")
    assert not any("Salam" in r or "Здравствуйте" in r for r in clerk)  # marked lang="az"/"ru"
    guide = text_runs(page(site, "/en/azercell/"), "en")
    assert "Hide all steps" in guide  # a data-i18n.* string the script shows


@pytest.mark.parametrize(
    "html, found",
    [
        ("<p>Questions and answers</p>", True),
        ('<p lang="az">Salam</p>', False),
        ("<p>*1111</p>", False),
        ("<p>Azercell, Bakcell</p>", False),
        ("<p>customercare@azercell.com</p>", False),
        ('<button aria-label="Close the menu">x</button>', True),
        ('<div data-i18n.show-all="Show all steps"></div>', True),
        ("<template><p>We can&#39;t tell from the number.</p></template>", True),
        ('<script>const s = "Hello there";</script>', False),
    ],
)
def test_an_english_run_on_a_translated_page_is_caught(html, found):
    runs = text_runs(f'<html lang="ru"><body>{html}</body></html>', "ru")
    assert any(needs_translation(r) for r in runs) is found
