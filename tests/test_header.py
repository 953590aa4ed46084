"""The header in the built pages: one language control and one section menu, both <details>
disclosures that work without a script; and product names kept whole (``webapp.names``).

How they behave in a browser (with and without JavaScript, by keyboard, the header's height
on a phone) is tested in ``tests/browser/test_header.py``.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from test_build import PAGES, read

from webapp import i18n, names

#: The section menu's pages, by the path under the language, in the menu's order: every page
#: but the clerk cards and the offline page, with Prepare before the operators' guides.
SECTIONS = [
    "",
    "prepare/",
    *[p for p in PAGES if p not in ("", "prepare/", "offline/") and not p.endswith("clerk/")],
]


class Header(HTMLParser):
    """The header's two <details>: each one's summary text and links (href, lang, hreflang,
    aria-current), and the text of every ``lang`` span in the summaries."""

    def __init__(self):
        super().__init__()
        self.menus: dict[str, dict] = {}
        self._menu = None
        self._in_summary = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "details" and "header-menu" in classes:
            name = "lang" if "lang-switcher" in classes else "sections"
            self._menu = self.menus[name] = {
                "summary": "",
                "summary_lang": None,
                "links": [],
                "name": a.get("name"),
                "open": "open" in a,
            }
        elif self._menu is not None and tag == "summary":
            self._in_summary = True
        elif self._menu is not None and self._in_summary and tag == "span" and a.get("lang"):
            self._menu["summary_lang"] = a["lang"]
        elif self._menu is not None and tag == "a":
            self._menu["links"].append({**a, "text": ""})

    def handle_endtag(self, tag):
        if tag == "summary":
            self._in_summary = False
        elif tag == "details":
            self._menu = None

    def handle_data(self, data):
        if self._menu is None:
            return
        if self._in_summary:
            self._menu["summary"] += data
        elif self._menu["links"]:
            self._menu["links"][-1]["text"] += data.strip()


def header(site, url: str) -> dict[str, dict]:
    parser = Header()
    parser.feed(read(site, url).decode("utf-8"))
    return parser.menus


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_every_page_has_one_language_control_and_one_section_menu(site, lang):
    for page in PAGES:
        url = f"/{lang}/{page}"
        menus = header(site, url)
        if page.endswith("clerk/"):
            assert menus == {}, url  # the clerk card's slim header: the card is the page
            continue
        assert set(menus) == {"lang", "sections"}, url
        for menu in menus.values():
            assert not menu["open"] and menu["name"] == "header-menu", url

        # The language: named in the summary, in its own language; every language one tap
        # away, each in its own script and lang, to the same page in that language.
        lang_menu = menus["lang"]
        assert i18n.NATIVE_NAMES[lang] in lang_menu["summary"], url
        assert lang_menu["summary_lang"] == i18n.HTML_LANG[lang], url
        links = lang_menu["links"]
        assert [link["text"] for link in links] == list(i18n.NATIVE_NAMES.values()), url
        for code, link in zip(i18n.LANGUAGES, links, strict=True):
            assert link["lang"] == link["hreflang"] == i18n.HTML_LANG[code], url
            assert link["href"] == f"/{code}/{page}", url
            assert link.get("aria-current") == ("true" if code == lang else None), url

        # The sections: every page of the guide, in this language, the current one marked.
        links = menus["sections"]["links"]
        assert [link["href"] for link in links] == [f"/{lang}/{s}" for s in SECTIONS], url
        assert all(link["text"] for link in links), url
        current = [link["href"] for link in links if link.get("aria-current")]
        assert current == ([url] if page in SECTIONS else []), url
        assert all(link.get("aria-current") in (None, "page") for link in links), url


# -- names ------------------------------------------------------------------------------


class Names(HTMLParser):
    """Text outside ``<span class="name">`` (not in title, script or style) that holds a name."""

    SKIP = {"title", "script", "style"}

    def __init__(self):
        super().__init__()
        self.depth = 0  # inside a name span: its depth of nested spans
        self.skip = 0
        self.loose: list[str] = []
        self.kept = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        elif tag == "span" and self.depth:
            self.depth += 1
        elif tag == "span" and "name" in (dict(attrs).get("class") or "").split():
            self.depth = 1

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip -= 1
        elif tag == "span" and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.skip:
            return
        if self.depth:
            self.kept += any(name in data for name in names.NAMES)
        else:
            self.loose += [name for name in names.NAMES if name in data]


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_every_product_name_in_a_page_is_kept_on_one_line(site, lang):
    kept = 0
    for page in PAGES:
        parser = Names()
        parser.feed(read(site, f"/{lang}/{page}").decode("utf-8"))
        assert parser.loose == [], f"/{lang}/{page}: names outside <span class=name>"
        kept += parser.kept
    assert kept > 20  # the brand on every page, Nar+ and Azercell Kabinetim in the guides


def test_names_are_marked_in_text_only():
    marked = names.mark("Use the Nar+ app & <SIM Exit>")
    assert marked == (
        'Use the <span class="name">Nar+</span> app &amp; '
        '&lt;<span class="name">SIM Exit</span>&gt;'
    )
    html = names.mark(names.Markup('<a title="SIM Exit" href="/">Azercell Kabinetim</a>'))
    assert html == '<a title="SIM Exit" href="/"><span class="name">Azercell Kabinetim</span></a>'
    assert names.mark("Azercell and Bakcell") == "Azercell and Bakcell"
