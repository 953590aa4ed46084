"""Valid HTML: every in-page link of every built page reaches exactly one element."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from webapp import i18n
from webapp.content import OPERATORS

#: Attributes that name other elements of the page by id (space-separated lists).
IDREF_ATTRS = ("aria-controls", "aria-describedby", "aria-labelledby", "aria-owns", "for", "list",
               "form")


def built_pages(site) -> list[Path]:
    """Every HTML page of the build: each language's pages, the language chooser and the 404."""
    pages = sorted(site["dir"].rglob("*.html"))
    for lang in i18n.LANGUAGES:  # the walk found the languages, not an empty or partial folder
        assert site["dir"] / lang / "index.html" in pages, lang
    return pages


class Anchors(HTMLParser):
    """Gathers a page's ids (with how often each occurs), in-page links and id references."""

    def __init__(self):
        super().__init__()
        self.ids: dict[str, int] = {}
        self.fragment_links: list[str] = []
        self.idrefs: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id") is not None:
            self.ids[a["id"]] = self.ids.get(a["id"], 0) + 1
        if (a.get("href") or "").startswith("#"):
            self.fragment_links.append(a["href"][1:])
        for name in IDREF_ATTRS:
            for ref in (a.get(name) or "").split():
                self.idrefs.append((f"{tag} {name}", ref))

    handle_startendtag = handle_starttag


def anchors(path: Path) -> Anchors:
    parser = Anchors()
    parser.feed(path.read_text("utf-8"))
    parser.close()
    return parser


def test_every_fragment_link_reaches_exactly_one_element(site):
    problems = []
    for path in built_pages(site):
        page = anchors(path)
        where = path.relative_to(site["dir"])
        problems += [f"{where}: id {i!r} occurs {n} times" for i, n in page.ids.items() if n > 1]
        for fragment in page.fragment_links:
            if (n := page.ids.get(fragment, 0)) != 1:
                problems.append(f'{where}: href="#{fragment}" reaches {n} elements')
        for attr, ref in page.idrefs:
            if (n := page.ids.get(ref, 0)) != 1:
                problems.append(f"{where}: {attr}={ref!r} names {n} elements")
    assert problems == []


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
@pytest.mark.parametrize("operator", OPERATORS)
def test_key_facts_source_links_reach_the_page_facts_box(site, lang, operator):
    """Not a copy under a step, which the reader may have folded away."""
    path = site["dir"] / lang / operator / "index.html"
    html = path.read_text("utf-8")
    box = html.index('class="facts facts--page"')
    links = re.findall(r'class="key-facts__source" href="#([^"]+)"', html)
    assert len(links) == 2  # the hotline and the prefixes
    for fragment in links:
        assert html.index(f'id="{fragment}"') > box, fragment
