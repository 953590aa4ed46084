"""The operator finder: a prefix table from the phonenumbers package, and the in-browser lookup."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess

import phonenumbers
import pytest
from appconfig import app_config
from phonenumbers import carrier

from webapp import build, content, numbers

JS_DIR = os.path.join(os.path.dirname(__file__), "..", "static", "js")
#: The finder's lookup, after the number reading it shares (as the bundle has them).
FINDER_JS = [os.path.join(JS_DIR, name) for name in ("number-input.js", "number-finder.js")]
CONTENT = content.load()
NAXTEL = numbers.national_prefixes(CONTENT.facts[numbers.NAXTEL_FACT].value or "")
CODES = [f"{n:02d}" for n in range(100)]


@pytest.fixture(scope="module")
def table():
    return numbers.prefix_table(CONTENT.facts, CONTENT.operators)


@pytest.fixture(scope="module")
def finder_page(tmp_path_factory) -> str:
    """The English finder page, rendered as the build renders it."""
    from webapp import create_app

    app = create_app(app_config(tmp_path_factory.mktemp("finder")))
    return build.render_page(app, "/en/finder/")


@pytest.fixture(scope="module")
def page_table(finder_page):
    """The table as the finder page carries it (what the browser's lookup reads)."""
    return json.loads(html.unescape(re.search(r'data-prefix-table="([^"]*)"', finder_page)[1]))


def library_answer(code: str) -> str:
    """What the library itself says of a number starting 0<code>: a carrier name, or ""."""
    try:
        number = phonenumbers.parse(f"0{code}1234567", "AZ")
    except phonenumbers.NumberParseException:
        return ""
    return carrier.name_for_number(number, "en")


def expected_answer(code: str) -> dict:
    """The finder's answer for 0<code>, from the library's answer and the prefix-060 fact."""
    name = library_answer(code)
    if code in NAXTEL:
        return {"status": "naxtel", "prefix": code}
    if not name:
        return {"status": "unknown-prefix", "prefix": code}
    if name in numbers.CARRIER_OPERATORS:
        return {"status": "operator", "prefix": code, "operator": numbers.CARRIER_OPERATORS[name]}
    return {"status": "other-operator", "prefix": code, "carrier": name}


def test_010_is_azercell_and_099_bakcell(table):
    assert table["operators"]["10"] == "azercell" and table["operators"]["99"] == "bakcell"
    assert {"50", "51", "55", "70", "77"} <= set(table["operators"])
    assert table["naxtel"] == ["60"] and "60" not in table["operators"]
    assert table["other"]["40"] == "FONEX" and table["other"]["44"] == "Aztelekom"


def test_the_prefix_facts_agree_with_the_library(table):
    """prefix-azercell, prefix-bakcell and prefix-nar (the guide's text) cannot drift."""
    for op, guide in CONTENT.operators.items():
        fact = numbers.national_prefixes(CONTENT.facts[guide.prefixes].value or "")
        assert sorted(fact) == sorted(c for c, o in table["operators"].items() if o == op), op


def test_060_keeps_its_own_answer_though_the_library_names_a_carrier():
    assert NAXTEL == ["60"]
    assert library_answer("60") in numbers.CARRIER_OPERATORS  # a mobile range, the block's holder


def test_every_code_in_the_table_is_the_library_s_answer(table):
    for code in CODES:
        answer = expected_answer(code)
        if answer["status"] == "operator":
            assert table["operators"].get(code) == answer["operator"], code
        elif answer["status"] == "other-operator":
            assert table["other"].get(code) == answer["carrier"], code
        else:
            assert code not in table["operators"] and code not in table["other"], code


def test_every_two_digit_code_answers_as_the_library_in_the_browser_lookup(page_table):
    """node runs the page's lookup over the page's table for 0<code> 123 45 67, 00…99."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the JavaScript lookup needs it")
    script = """
        const fs = require('node:fs'), vm = require('node:vm');
        const sandbox = {module: {exports: {}}, Component: class {}};
        const files = JSON.parse(process.argv[1]);
        vm.runInNewContext(files.map((f) => fs.readFileSync(f, 'utf8')).join('\\n'), sandbox);
        const table = JSON.parse(process.argv[2]);
        const codes = JSON.parse(process.argv[3]);
        console.log(JSON.stringify(codes.map((code) =>
            sandbox.module.exports.lookupNumber('0' + code + ' 123 45 67', table))));
    """
    result = subprocess.run(
        [node, "-e", script, json.dumps(FINDER_JS), json.dumps(page_table), json.dumps(CODES)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    answers = dict(zip(CODES, json.loads(result.stdout), strict=True))
    for code in CODES:
        assert answers[code] == expected_answer(code), f"0{code}"


def test_the_page_names_the_library_and_its_version(finder_page):
    version = numbers.library_version()
    assert version == phonenumbers.__version__
    source = re.search(r'<p class="finder__source">(.*?)</p>', finder_page)[1]
    assert html.unescape(re.sub(r"<[^>]+>", "", source)) == (
        f"Prefix table: phonenumbers {version} (libphonenumber's carrier data)"
    )
    assert f'href="https://pypi.org/project/phonenumbers/{version}/"' in source


def test_an_unknown_carrier_fails_loudly(monkeypatch):
    """A library update that renames a carrier must be read by a person, not guessed."""
    monkeypatch.setattr(numbers, "carrier_names", lambda: {"10": "Azercell", "12": "Azerfon"})
    with pytest.raises(numbers.PrefixTableError, match=r"'Azerfon' for 012"):
        numbers.prefix_table(CONTENT.facts, CONTENT.operators)


def test_a_code_split_between_carriers_fails_loudly(monkeypatch):
    """The finder answers from two digits: a range the library splits cannot be answered."""
    monkeypatch.setattr(
        numbers,
        "_carrier_at",
        lambda national: (
            "Bakcell"
            if national.startswith("0555")
            else ("Azercell" if national.startswith("055") else "")
        ),
    )
    with pytest.raises(numbers.PrefixTableError, match="splits 055 between Azercell, Bakcell"):
        numbers.carrier_names.__wrapped__()


@pytest.mark.parametrize(
    ("value", "codes"), [("050, 051", ["50", "51"]), ("055", ["55"]), ("070, 077", ["70", "77"])]
)
def test_national_prefixes(value, codes):
    assert numbers.national_prefixes(value) == codes


def test_a_fact_without_prefixes_is_an_error():
    with pytest.raises(ValueError):
        numbers.national_prefixes("Since 2012 and later")
