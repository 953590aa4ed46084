"""Valid HTML: every built page of every language passes the Nu HTML Checker, and every in-page
link reaches exactly one element.

The checker is ``vnu.jar`` from npm, pinned in ``tests/vnu/`` (``package-lock.json``) and run with
the system's Java; ``scripts/test.sh`` installs both. Without them these tests are skipped with
the reason, except in CI (``CI=true``), where that fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import in_ci

from webapp import i18n
from webapp.content import OPERATORS

VNU_DIR = Path(__file__).parent / "vnu"
VNU_JAR = VNU_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
#: Attributes that name other elements of the page by id (space-separated lists).
IDREF_ATTRS = (
    "aria-controls",
    "aria-describedby",
    "aria-labelledby",
    "aria-owns",
    "for",
    "list",
    "form",
)


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


@pytest.fixture(scope="session")
def vnu() -> list[str]:
    """The command that runs the Nu HTML Checker, or a skip (in CI a failure) naming what is
    missing."""
    missing = []
    java = shutil.which("java")
    if java is None:
        missing.append("java (Debian: default-jre-headless)")
    if not VNU_JAR.exists():
        missing.append(
            f"{VNU_JAR.relative_to(VNU_DIR.parent.parent)} (npm ci --ignore-scripts in tests/vnu)"
        )
    if missing:
        reason = (
            f"Nu HTML Checker: {' and '.join(missing)} not installed; "
            "scripts/test.sh installs them"
        )
        if in_ci():  # CI must not pass with the validation silently skipped
            pytest.fail(reason)
        pytest.skip(reason)
    return [java, "-jar", str(VNU_JAR), "--stdout", "--format", "json"]


def validate(vnu, paths: list[Path]) -> tuple[list[str], list[str]]:
    """Errors and warnings for these files, each "file:line: message", from one run of the checker
    (one Java start-up for all of them, not one a page)."""
    result = subprocess.run([*vnu, *map(str, paths)], capture_output=True, text=True, timeout=600)
    try:
        messages = json.loads(result.stdout)["messages"]
    except ValueError:
        pytest.fail(f"the checker gave no report (exit {result.returncode}): {result.stderr}")
    common = os.path.commonpath([str(p.parent) for p in paths])
    errors, warnings = [], []
    for m in messages:
        where = os.path.relpath(m.get("url", "").removeprefix("file:"), common)
        line = f"{where}:{m.get('lastLine', '?')}: {m['message']}"
        if m["type"] in ("error", "non-document-error"):  # "fatal" is an error's subType
            errors.append(line)
        elif m.get("subType") == "warning":
            warnings.append(line)
    return errors, warnings


@pytest.mark.slow  # the Nu HTML Checker (Java) over every page
def test_every_page_of_every_language_is_valid_html(site, vnu):
    errors, warnings = validate(vnu, built_pages(site))
    print("\n".join(["Nu HTML Checker warnings:", *warnings]))  # shown with -rP; they may stay
    assert errors == []


@pytest.mark.slow  # the Nu HTML Checker (Java) started again
def test_the_checker_fails_a_broken_page(site, vnu, tmp_path):
    """A duplicated id and an unclosed element, injected into a copy of one built page."""
    html = (site["dir"] / "en" / "azercell" / "index.html").read_text("utf-8")
    broken = tmp_path / "broken.html"
    injected = '<p id="main">Main again</p><div class="unclosed"><h1>'
    broken.write_text(html.replace("<h1>", injected, 1))
    errors, _ = validate(vnu, [broken])
    assert any("Duplicate ID “main”" in e for e in errors), errors
    assert any("Unclosed element “div”" in e for e in errors), errors
