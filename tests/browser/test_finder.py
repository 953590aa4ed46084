"""Which operator is my number? Offline, in every language, and the number stays on the device.

Each answer is the page's own template for that case (rendered by the server in the
page's language) with the prefix and operator filled in; the English wording is checked
once more against the words a reader must see.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from webapp import content, numbers

from .conftest import LANGUAGES, cached_urls, normalise, save_offline, wait_offline_ready

pytestmark = pytest.mark.browser

CONTENT = content.load()
TABLE = numbers.prefix_table(CONTENT.facts, CONTENT.operators)
INPUT = "[data-finder-input]"
RESULT = "[data-finder-result]"

#: (typed, answer, prefix shown, who): every common form, and what may not be guessed. ``who``
#: is the guide's operator for "operator", the library's carrier name for "other-operator".
CASES = [
    ("+994 50 123 45 67", "operator", "050", "azercell"),
    ("050 123 45 67", "operator", "050", "azercell"),
    ("55 123 45 67", "operator", "055", "bakcell"),
    ("070", "operator", "070", "nar"),
    ("010 123 45 67", "operator", "010", "azercell"),
    ("099", "operator", "099", "bakcell"),
    ("060 123 45 67", "naxtel", None, None),
    ("040 123 45 67", "other-operator", "040", "FONEX"),
    ("012 123 45 67", "unknown-prefix", "012", None),
    ("hello", "malformed", None, None),
    ("050 123 45 67 89", "too-long", None, None),
    ("+7 912 345 67 89", "foreign", None, None),
    # Arabic-Indic and Persian digits, as Arabic and Persian keyboards type them.
    ("٠٥٠ ١٢٣ ٤٥ ٦٧", "operator", "050", "azercell"),
    ("+٩٩٤ ٥٥ ١٢٣ ٤٥ ٦٧", "operator", "055", "bakcell"),
    ("۰۷۷ ۱۲۳ ۴۵ ۶۷", "operator", "077", "nar"),
    ("۰۰۹۹۴ ۶۰", "naxtel", None, None),
]
#: What an English reader must read for each answer (first paragraph, then the rest).
ENGLISH = {
    "operator": "were issued to",
    "naxtel": "We can't tell from the number.",
    "other-operator": "were issued to",
    "unknown-prefix": "We can't tell from the number.",
    "malformed": "That does not look like a phone number.",
    "too-long": "That number has too many digits.",
    "foreign": "That is not an Azerbaijani number.",
}
#: The ported caveat that follows every operator answer.
CAVEAT = "numbers can be moved to another operator"
#: What a reader of an operator this guide does not cover is told to do.
NOT_COVERED = "This guide covers only Azercell, Bakcell and Nar: ask FONEX"

#: The answer shown, paragraph by paragraph, with its operator links.
SHOWN = """(selector) => {
    const result = document.querySelector(selector);
    return {paragraphs: Array.from(result.querySelectorAll('p'))
                .map((p) => p.textContent.replace(/\\s+/g, ' ').trim()),
            prefixes: Array.from(result.querySelectorAll('[data-finder-prefix]'))
                .map((el) => el.textContent),
            links: Array.from(result.querySelectorAll('a'))
                .map((a) => ({text: a.textContent, href: a.getAttribute('href')}))};
}"""
#: The page's template for one answer, filled in by hand: what the reader should see.
EXPECTED = """([status, prefix, operator]) => {
    const node = document.querySelector(`[data-finder-template="${status}"]`)
        .content.cloneNode(true);
    node.querySelectorAll('[data-finder-prefix]').forEach((el) => { el.textContent = prefix; });
    node.querySelectorAll('[data-finder-operator-slot], [data-finder-carrier]')
        .forEach((el) => { el.textContent = operator; });
    return Array.from(node.querySelectorAll('p'))
        .map((p) => p.textContent.replace(/\\s+/g, ' ').trim());
}"""


def check_answer(page, lang: str, typed: str, status: str, prefix, who) -> None:
    where = f"/{lang}/finder/ {typed!r}"
    operator = who if status == "operator" else None
    name = CONTENT.operators[operator].name if operator else who or ""
    shown = page.evaluate(SHOWN, RESULT)
    expected = page.evaluate(EXPECTED, [status, prefix or "", name])
    assert shown["paragraphs"] == expected, where
    assert len(expected) == 2 and all(expected), where  # an answer, then a plain explanation
    assert shown["prefixes"] == ([prefix] if prefix else []), where
    if operator:
        assert shown["links"] == [{"text": name, "href": f"/{lang}/{operator}/"}], where
    else:
        answer = shown["paragraphs"][0]
        guessed = [op.name for op in CONTENT.operators.values() if op.name in answer]
        assert not guessed, f"{where}: a guess"
    if lang == "en":
        assert ENGLISH[status] in shown["paragraphs"][0], where
        if status in ("operator", "other-operator"):
            assert CAVEAT in shown["paragraphs"][1], where
        if status == "other-operator":
            assert NOT_COVERED in shown["paragraphs"][1], where
    else:
        assert ENGLISH[status] not in " ".join(shown["paragraphs"]), f"{where}: not translated"


def ask(page, typed: str) -> None:
    """Type the number (the answer follows each keystroke), then submit the form too."""
    page.fill(INPUT, "")
    page.locator(INPUT).press_sequentially(typed)
    page.wait_for_function("(s) => document.querySelector(s).childElementCount > 0", arg=RESULT)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_finder_answers_offline(page, context, lang):
    url = f"/{lang}/finder/"
    save_offline(page, context, url)
    response = page.goto(url)
    assert response is not None and response.from_service_worker
    page.wait_for_selector(f"{INPUT}:visible")
    wait_offline_ready(page)  # the page's own start-up work is over: what follows is ours
    requests = []
    context.on("request", lambda request: requests.append(request.url))

    for typed, status, prefix, who in CASES:
        ask(page, typed)
        check_answer(page, lang, typed, status, prefix, who)
        page.locator(INPUT).press("Enter")
        check_answer(page, lang, typed, status, prefix, who)
    assert urlsplit(page.url).path == url and page.url.endswith(url)
    assert requests == []


def test_the_number_never_leaves_the_device(page, context, live_server):
    """Online: typing and submitting sends nothing anywhere and stores nothing."""
    page.goto("/en/finder/")
    wait_offline_ready(page)
    requests = []
    context.on("request", lambda request: requests.append(request.url))
    for typed, *_ in CASES:
        ask(page, typed)
        page.locator(INPUT).press("Enter")
        page.get_by_role("button", name="Check").click()
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 200))")  # late requests
    assert requests == []
    assert page.url == f"{live_server.url}/en/finder/"

    stored = json.dumps(
        [
            page.evaluate("() => ({...localStorage})"),
            page.evaluate("() => ({...sessionStorage})"),
            context.cookies(),
            cached_urls(page),
        ]
    )
    for typed, *_ in CASES:
        digits = "".join(c for c in typed if c.isdigit())
        assert len(digits) < 7 or digits[-7:] not in stored


def test_without_javascript_the_prefix_table_is_shown(new_context):
    page = new_context(java_script_enabled=False).new_page()
    expected = [
        (f"0{code}", CONTENT.operators[op].name, f"{op}/")
        for code, op in TABLE["operators"].items()
    ]
    assert {("010", "Azercell", "azercell/"), ("099", "Bakcell", "bakcell/")} <= set(expected)
    codes = [f"0{code}" for code in [*TABLE["naxtel"], *TABLE["other"]]]
    assert {"060", "040", "044"} <= set(codes)
    for lang in LANGUAGES:
        page.goto(f"/{lang}/finder/")
        assert page.locator(".finder__form").is_hidden()
        table = page.locator(".prefix-table")
        assert table.is_visible()
        rows = page.evaluate("""() => Array.from(
                document.querySelectorAll('.prefix-table tbody tr'))
            .map((tr) => Array.from(tr.cells).map((td) => ({text: td.textContent.trim(),
                href: td.querySelector('a') && td.querySelector('a').getAttribute('href')})))""")
        linked = [(r[0]["text"], r[1]["text"], r[1]["href"]) for r in rows if r[1]["href"]]
        assert linked == [(code, name, f"/{lang}/{path}") for code, name, path in expected]
        unlinked = [r[0]["text"] for r in rows if not r[1]["href"]]
        assert unlinked == codes
        assert all(normalise(r[1]["text"]) for r in rows)
        # Where the table comes from (the package and its version), and that a prefix is a hint.
        source = page.locator(".finder__source")
        assert f"phonenumbers {numbers.library_version()}" in normalise(source.text_content())
        assert page.locator(".facts .fact-item__source a").first.is_visible()
        assert page.locator("p.hint").is_visible()
