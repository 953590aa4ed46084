"""Right to left: Arabic and Persian pages mirror by themselves; numbers and codes do not.

The stylesheets say start and end, never left and right, so a page with ``dir="rtl"`` is laid
out as a mirror image without a rule of its own. What must still read left to right inside
Arabic or Persian text is isolated as such: phone numbers and codes (``*1111``,
``+994 50 123 45 67``), e-mail addresses, and the clerk card's Azerbaijani and Russian. These
tests read the sources and the built pages; the browser tests (``tests/browser/test_rtl.py``)
look at where the characters really land.
"""

from __future__ import annotations

import os
import re

import pytest
from htmlwalk import Walker

from webapp import assets, i18n

CSS_DIR = os.path.join(assets.STATIC_DIR, "css")
#: The Unicode isolates (UAX #9) that stand in for ``<bdi>`` where markup cannot go.
ISOLATES = {"\u2066": "ltr", "\u2067": "rtl", "\u2068": "auto"}
POP_ISOLATE = "\u2069"
#: A run of digits, signs and separators, or an e-mail address.
RUN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|[+*#]?\d+(?:[ \u00a0-]\d+)*#?")
#: What the bidi algorithm reorders inside right-to-left text: a sign on digits (``*1111``,
#: ``+994``, ``*100#``), digit groups joined by a space or hyphen (``050 123 45 67``), an
#: e-mail address. A list (``010، 050``), a date in words or an amount keeps a sense RTL
#: readers follow, and is not matched.
NUMBER_OR_CODE = re.compile(r"@|^[+*#]|#$|\d[ \u00a0-]\d")
#: Attributes whose text a reader sees, hears, or a script shows.
SHOWN = {"alt", "title", "aria-label", "placeholder", "label"}


def css_sources() -> dict[str, str]:
    """Each stylesheet's text without its comments."""
    out = {}
    for name in sorted(os.listdir(CSS_DIR)):
        with open(os.path.join(CSS_DIR, name), encoding="utf-8") as f:
            out[name] = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    return out


#: Properties that name a physical side (the logical ones say inline-start and inline-end).
PHYSICAL = re.compile(
    r"(?<![\w-])(?:(?:margin|padding|border|inset|scroll-margin|scroll-padding)-(?:left|right)"
    r"|border-(?:top|bottom)-(?:left|right)-radius|left|right)\s*:"
    r"|(?:text-align|float|clear)\s*:\s*(?:left|right)\b"
)


def physical_sides(css: str) -> list[str]:
    """Declarations that put something on the left or on the right."""
    found = [m.group(0) for m in PHYSICAL.finditer(css)]
    # Shorthands with a different left and right: "padding: 0 0 1rem 3rem", "border-radius: 0 6px".
    for prop, value in re.findall(r"(?<![\w-])(margin|padding|border-radius)\s*:\s*([^;}]+)", css):
        values = value.replace("!important", "").split("/")[0].split()
        if (
            prop == "border-radius"
            and len(set(values)) > 1
            or prop != "border-radius"
            and len(values) == 4
            and values[1] != values[3]
        ):
            found.append(f"{prop}: {value.strip()}")
    return found


@pytest.mark.parametrize("name", sorted(css_sources()))
def test_stylesheets_never_say_left_or_right(name):
    assert physical_sides(css_sources()[name]) == []


@pytest.mark.parametrize(
    "css, found",
    [
        (".a { margin-left: 1rem }", True),
        (".a { left: 0 }", True),
        (".a { text-align: right }", True),
        (".a { padding: 0 0 1rem 3rem }", True),
        (".a { border-radius: 0 6px 6px 0 }", True),
        (".a { border-top-left-radius: 0 }", True),
        (".a { margin-inline-start: 1rem; inset-inline-start: 0; text-align: start }", False),
        (".a { padding: 0 1rem; margin: 0 auto; border-radius: 6px; top: 0 }", False),
        (".a { padding: 0.5rem 1rem 0.75rem 1rem }", False),
    ],
)
def test_a_physical_side_is_caught(css, found):
    assert bool(physical_sides(css)) is found


class Runs(Walker):
    """Numbers and codes in a page's text and shown attributes, each with whether it is isolated
    left to right (inside ``dir="ltr"``, or between a left-to-right isolate and its end)."""

    def __init__(self):
        super().__init__("dir")
        self.found: list[tuple[str, bool]] = []

    def _ltr(self) -> bool:
        return self.value() == "ltr"

    def _check(self, text: str, ltr: bool) -> None:
        direction, depth = [], []  # at each character: the innermost isolate's direction
        for char in text:
            if char in ISOLATES:
                depth.append(ISOLATES[char])
            elif char == POP_ISOLATE and depth:
                depth.pop()
            direction.append(depth[-1] if depth else ("ltr" if ltr else None))
        for run in RUN.finditer(text):
            if NUMBER_OR_CODE.search(run.group(0)):
                context = text[max(0, run.start() - 15) : run.end() + 15]
                self.found.append((context, direction[run.start()] == "ltr"))

    def start(self, tag, attrs):
        ltr = self._ltr()
        for name, value in attrs.items():
            if value and (name in SHOWN or name.startswith("data-i18n.")):
                self._check(value, ltr)

    def text(self, data):
        self._check(data, self._ltr())


def numbers_and_codes(html: str) -> list[tuple[str, bool]]:
    parser = Runs()
    parser.feed(html)
    return parser.found


def read(site, url: str) -> str:
    return (site["dir"] / url.strip("/") / "index.html").read_text(encoding="utf-8")


def page_urls(site, lang: str) -> list[str]:
    return [e["url"] for e in site["precache"]["langs"][lang] if e["url"].endswith("/")]


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_number_and_code_is_isolated_left_to_right(site, lang):
    """On every page of every language: what is only harmless in a left-to-right page (English,
    or a Persian page still showing English) is already right when the page turns right to left."""
    loose, seen = {}, 0
    for url in page_urls(site, lang):
        runs = numbers_and_codes(read(site, url))
        seen += len(runs)
        if bad := [context for context, isolated in runs if not isolated]:
            loose[url] = bad
    assert seen > 20  # *1111, the e-mail addresses, the forms' examples…
    assert not loose, "numbers and codes that right-to-left text would reorder:\n" + "\n".join(
        f"{url}: {bad!r}" for url, bad in loose.items()
    )


@pytest.mark.parametrize(
    "html, isolated",
    [
        ('<p dir="rtl">اتصل بالرقم +994 50 123 45 67</p>', False),
        ('<p dir="rtl">اتصل بالرقم <bdi dir="ltr">+994 50 123 45 67</bdi></p>', True),
        ('<p dir="rtl">اتصل بـ <a href="tel:*1111" dir="ltr">*1111</a></p>', True),
        ('<p dir="rtl">customercare@azercell.com</p>', False),
        ('<div data-i18n.error="مثلًا \u2066050 123 45 67\u2069."></div>', True),
        ('<div data-i18n.error="مثلًا 050 123 45 67."></div>', False),
        ('<div dir="ltr"><p dir="rtl">\u2067050 123\u2069</p></div>', False),
    ],
)
def test_a_number_left_to_reorder_is_caught(html, isolated):
    assert [ok for _, ok in numbers_and_codes(html)] == [isolated]


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_clerk_card_reads_left_to_right_and_the_small_print_as_the_page(site, lang):
    html = read(site, f"/{lang}/azercell/clerk/")
    counter = re.findall(r'<p class="clerk-(?:card|number)__text [^"]*" ([^>]*)>', html)
    assert len(counter) >= 2 * 6  # six lines, and the number's labels, in two languages
    assert all(re.fullmatch(r'lang="(az|ru)" dir="ltr"', attrs) for attrs in counter), counter
    own = re.findall(r'<p class="clerk-(?:card|number)__own"([^>]*)>', html)
    assert all("dir=" not in attrs and "lang=" not in attrs for attrs in own)  # the page's own
    assert re.search(r'<p class="clerk-number__digits" dir="ltr"', html)
