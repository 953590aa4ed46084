"""`flask build`: every page of every language, a complete precache list, same bytes each time."""

from __future__ import annotations

import hashlib
import json
import os
import re
from html.parser import HTMLParser

import pytest
from appconfig import app_config
from htmlwalk import VOID

from webapp import build, i18n
from webapp.content import OPERATORS

PAGES = [
    "",
    *[f"{op}/" for op in OPERATORS],
    *[f"{op}/clerk/" for op in OPERATORS],
    "prepare/",
    "aftercare/",
    "faq/",
    "finder/",
    "sources/",
    "offline/",
]


def read(site, url):
    path = site["dir"] / url.lstrip("/")
    if url.endswith("/"):
        path = path / "index.html"
    return path.read_bytes()


class Collector(HTMLParser):
    """Gathers what a page loads, links and declares."""

    def __init__(self):
        super().__init__()
        self.loads, self.links, self.alternates, self.inline_scripts = [], [], {}, 0
        self.inline_styles, self.handlers, self.html_lang, self._in_script = 0, [], None, False
        self.html_dir = None
        self.style_blocks = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang, self.html_dir = a.get("lang"), a.get("dir")
        for name in a:
            if name.startswith("on"):
                self.handlers.append(f"{tag} {name}")
        if "style" in a:
            self.inline_styles += 1
        if tag == "style":
            self.style_blocks += 1
        if tag == "script":
            if a.get("src"):
                self.loads.append(a["src"])
            else:
                self._in_script = True
        if tag in {"img", "source", "iframe", "audio", "video"} and a.get("src"):
            self.loads.append(a["src"])
        if tag == "link":
            rel = a.get("rel", "")
            if rel == "alternate" and a.get("hreflang"):
                self.alternates[a["hreflang"]] = a["href"]
            else:
                self.loads.append(a["href"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children, self.text = tag, attrs, parent, [], []

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def iter(self):
        yield self
        for child in self.children:
            yield from child.iter()

    def find(self, tag=None, cls=None, **attrs):
        return next(self.find_all(tag, cls, **attrs), None)

    def find_all(self, tag=None, cls=None, **attrs):
        return (
            n
            for n in self.iter()
            if (tag is None or n.tag == tag)
            and (cls is None or cls in n.classes)
            and all(n.attrs.get(k) == v for k, v in attrs.items())
        )

    def all_text(self) -> str:
        return " ".join(" ".join(t for n in self.iter() for t in n.text).split())


class Tree(HTMLParser):
    """A page as a tree of elements (enough of HTML for our own pages)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {})

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.text.append(data)


def tree(html: bytes) -> Node:
    parser = Tree()
    parser.feed(html.decode("utf-8"))
    parser.close()
    return parser.root


def parse(html: bytes) -> Collector:
    c = Collector()
    c.feed(html.decode("utf-8"))
    return c


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
@pytest.mark.parametrize("page", PAGES)
def test_every_page_of_every_language_is_built(site, lang, page):
    page_html = parse(read(site, f"/{lang}/{page}"))
    assert page_html.html_lang == i18n.HTML_LANG[lang]
    # Arabic and Persian right to left, every page (the offline page and clerk cards too).
    assert page_html.html_dir == ("rtl" if lang in ("ar", "fa") else "ltr")
    assert set(page_html.alternates) == {*i18n.HTML_LANG.values(), "x-default"}


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_pages_load_nothing_from_another_origin_and_have_no_inline_code(site, lang):
    for page in PAGES:
        c = parse(read(site, f"/{lang}/{page}"))
        assert c.loads, page
        for url in c.loads:
            assert url.startswith("/") and not url.startswith("//"), (page, url)
        assert c.inline_scripts == 0 and c.inline_styles == 0 and c.style_blocks == 0, page
        assert c.handlers == [], page


def test_precache_lists_every_page_with_its_content_revision(site):
    precache = site["precache"]
    assert set(precache["langs"]) == set(i18n.LANGUAGES)
    assert precache["default_lang"] == i18n.DEFAULT_LANG  # the offline page of last resort
    for lang, entries in precache["langs"].items():
        urls = [e["url"] for e in entries]
        assert urls[:-1] == [f"/{lang}/{page}" for page in PAGES]
        assert urls[-1] == f"/{lang}/manifest.webmanifest"
        for entry in entries:
            data = read(site, entry["url"])
            assert entry["revision"] == hashlib.sha256(data).hexdigest()[:16], entry["url"]
    for entry in precache["shared"]:
        assert entry["revision"] is None and re.search(r"\.[0-9a-f]{12}\.", entry["url"])
        assert read(site, entry["url"])


def test_every_asset_a_page_loads_is_precached(site):
    shared = {e["url"] for e in site["precache"]["shared"]}
    for lang, entries in site["precache"]["langs"].items():
        own = {e["url"] for e in entries}
        for page in PAGES:
            for url in parse(read(site, f"/{lang}/{page}")).loads:
                if url != "/favicon.ico" and "apple-touch-icon" not in url:
                    assert url in shared | own, (lang, page, url)


def test_service_worker_embeds_the_precache_list(site):
    sw = read(site, "/sw.js").decode()
    first_line = sw.split("\n", 1)[0]
    assert first_line.startswith("self.SIMEXIT_PRECACHE = ")
    embedded = json.loads(first_line[len("self.SIMEXIT_PRECACHE = ") : -1])
    assert embedded == site["precache"]
    assert "addEventListener('fetch'" in sw


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_web_app_manifest_has_what_installation_needs(site, lang):
    manifest = json.loads(read(site, f"/{lang}/manifest.webmanifest"))
    for key in (
        "id",
        "name",
        "short_name",
        "description",
        "start_url",
        "scope",
        "display",
        "theme_color",
        "background_color",
        "icons",
        "screenshots",
        "shortcuts",
        "lang",
    ):
        assert manifest.get(key), key
    assert manifest["display"] == "standalone" and manifest["lang"] == i18n.HTML_LANG[lang]
    assert manifest["dir"] == ("rtl" if lang in ("ar", "fa") else "ltr")
    sizes = {(i["sizes"], i.get("purpose", "any")) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    assert any(s["form_factor"] == "narrow" for s in manifest["screenshots"])
    assert [s["url"] for s in manifest["shortcuts"]] == [f"/{lang}/{op}/" for op in OPERATORS]
    for icon in manifest["icons"] + manifest["screenshots"]:
        assert read(site, icon["src"])


def test_text_files_have_compressed_twins(site):
    for url in ("/sw.js", "/en/index.html", "/en/manifest.webmanifest"):
        path = site["dir"] / url.lstrip("/")
        assert path.with_name(path.name + ".gz").exists()
        assert path.with_name(path.name + ".br").exists()


@pytest.mark.slow  # a whole site built
def test_build_is_deterministic(site, tmp_path):
    again = tmp_path / "again"
    build.build_site(site["app"], str(again))

    def digests(root):
        out = {}
        for dirpath, _, files in os.walk(root):
            for name in files:
                path = os.path.join(dirpath, name)
                with open(path, "rb") as f:
                    out[os.path.relpath(path, root)] = hashlib.sha256(f.read()).hexdigest()
        return out

    assert digests(site["dir"]) == digests(again)


def test_fingerprint_marks_the_build_fresh(site):
    assert not build.is_stale(str(site["dir"]))
    assert build.is_stale(str(site["dir"] / "missing"))
    assert build.is_stale(str(site["dir"]), "https://simexit.example")  # another public address


def test_public_url_makes_alternates_absolute(tmp_path):
    from webapp import create_app

    app = create_app(app_config(tmp_path, PUBLIC_URL="https://simexit.example/"))
    html = build.render_page(app, "/az/nar/")
    assert '<link rel="alternate" hreflang="ru" href="https://simexit.example/ru/nar/">' in html
    assert '<link rel="canonical" href="https://simexit.example/az/nar/">' in html


def test_guide_pages_show_facts_with_source_and_date(site):
    html = read(site, "/en/azercell/").decode()
    assert 'href="tel:*1111"' in html
    assert "https://www.azercell.com/en/help/simcard_operations/line_activation/" in html
    # The two dates, each named for what it is: the source's own, and when we checked it.
    assert "the source is dated June 1, 2024" in html  # the Contact Centre's hours
    assert "the source shows no date" in html
    assert "checked by us on November 23, 2026" in html
    sources = read(site, "/en/sources/").decode()
    assert "the source is dated 2016" in sources  # as precisely as the source gives it
    assert "the source is dated June 2025" in sources
    nar = read(site, "/en/nar/").decode()
    assert "Not known" in nar
    assert not re.search(r"tel:10[0-2]\b", nar)  # fire and police are never an operator's line


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_emergency_numbers_are_links_only_where_offered_as_numbers_to_call(site, lang):
    """101 and 102 are named where the Questions warn they are not operator lines: no tap there."""
    html = read(site, f"/{lang}/faq/").decode()
    sections = dict(
        re.findall(r'<section class="faq__item" id="([a-z-]+)"(.*?)</section>', html, re.S)
    )
    assert "tel:112" in sections["emergency"] and "tel:101" in sections["emergency"]
    assert "101" in sections["call-centre"] and "102" in sections["call-centre"]
    for qid, body in sections.items():
        if qid != "emergency":
            assert not re.search(r'href="tel:1\d\d"', body), qid
    for url in ["/", *[f"/{op}/" for op in OPERATORS], "/prepare/", "/aftercare/"]:
        assert not re.search(r'href="tel:10[0-4]"', read(site, f"/{lang}{url}").decode()), url


@pytest.mark.slow  # a whole site built
def test_build_command_writes_to_out(runner, tmp_path):
    result = runner.invoke(args=["build", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "languages" in result.output
    assert (tmp_path / "out" / "en" / "azercell" / "index.html").exists()


def test_build_command_reports_content_errors(runner, tmp_path, monkeypatch):
    from webapp import content

    broken = tmp_path / "content"
    import shutil

    shutil.copytree(content.CONTENT_DIR, broken)
    facts = broken / "facts.toml"
    facts.write_text(facts.read_text().replace("verified = 2026-11-23", 'verified = "soon"', 1))
    monkeypatch.setattr(content, "CONTENT_DIR", str(broken))
    monkeypatch.setattr(content.load, "__defaults__", (str(broken),))
    result = runner.invoke(args=["build", "--out", str(tmp_path / "out")])
    assert result.exit_code != 0
    assert "facts.toml" in result.output and "'verified'" in result.output
    assert not (tmp_path / "out").exists()


def test_build_command_reports_an_unknown_carrier(runner, tmp_path, monkeypatch):
    """A phonenumbers update that renames a carrier stops the build, naming it."""
    from webapp import numbers

    monkeypatch.setattr(numbers, "carrier_names", lambda: {"10": "Azercell", "55": "Bakcell Ltd"})
    result = runner.invoke(args=["build", "--out", str(tmp_path / "out")])
    assert result.exit_code != 0
    assert "prefix table" in result.output and "'Bakcell Ltd' for 055" in result.output
    assert not (tmp_path / "out").exists()


def test_a_new_phonenumbers_version_makes_the_build_stale(site, monkeypatch):
    from webapp import numbers

    monkeypatch.setattr(numbers, "library_version", lambda: "9.9.99")
    assert build.is_stale(str(site["dir"]))


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
@pytest.mark.parametrize("operator", OPERATORS)
def test_an_operator_guide_opens_with_the_short_way_to_its_steps(site, lang, operator):
    """Right under the title and the lead: a few lines, each a link to a step of the page."""
    from webapp import content

    guide = content.load().operators[operator]
    page = tree(read(site, f"/{lang}/{operator}/"))
    heading = page.find("div", "page-heading")
    parts = [child.tag + "." + ".".join(child.classes) for child in heading.children]
    h1 = [p.split(".")[0] for p in parts].index("h1")
    assert parts[h1 + 1 : h1 + 3] == ["p.lead", "section.short-way"], parts
    short_way = heading.children[h1 + 2]
    assert short_way.find("h2", "short-way__title").all_text()
    links = list(short_way.find("ol", "short-way__list").find_all("a"))
    assert [a.attrs["href"] for a in links] == [f"#{line.step}" for line in guide.short_way]
    step_ids = [li.attrs["id"] for li in page.find_all("li", "step")]
    assert step_ids == [s.id for s in guide.steps]
    for link in links:
        assert link.attrs["href"][1:] in step_ids and link.all_text(), link.attrs
    # Nothing but the title, the kicker and the lead comes before it in the page's main.
    main = page.find("main")
    before = []
    for node in main.iter():
        if node is short_way:
            break
        before.append(node.tag)
    assert set(before) <= {"main", "div", "p", "h1", "span", "a", "strong"}, before


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
@pytest.mark.parametrize("operator", OPERATORS)
def test_where_to_go_names_the_offices_and_folds_its_sources(site, lang, operator):
    """The "where to go" step, in every language, with the operator's website as the channel
    where its offices are listed; each step's facts are in a closed "Sources" disclosure, in
    the page itself (no script needed to read them)."""
    from webapp import content

    c = content.load()
    page = tree(read(site, f"/{lang}/{operator}/"))
    step = page.find("li", "step", id="where-to-go")
    assert step is not None and step.find("h2").all_text()
    locator = c.facts[f"{operator}-office-locator"]
    assert not locator.known and locator.source.rstrip("/").count("/") == 2  # a home page
    sources = step.find("details", "facts--fold")
    assert sources is not None and "open" not in sources.attrs
    assert sources.find("summary").all_text()
    hrefs = [a.attrs.get("href") for a in sources.find_all("a")]
    assert locator.source in hrefs
    facts = [li.attrs["data-fact"] for li in sources.find_all("li", "fact-item")]
    assert facts == list(
        next(s for s in c.operators[operator].steps if s.id == "where-to-go").facts
    )
    for li in sources.find_all("li", "fact-item"):
        assert li.find("span", "fact-item__source").all_text(), li.attrs
    # Every step's facts fold the same way; the page's own facts box does not.
    for li in page.find_all("li", "step"):
        for box in li.find_all(cls="facts"):
            assert box.tag == "details" and "open" not in box.attrs, li.attrs["id"]
    assert page.find("div", "facts--page").find("ul", "facts__list") is not None
