"""The operator finder: a prefix table from the facts, and the in-browser lookup."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from webapp import content, numbers


@pytest.fixture(scope="module")
def table():
    c = content.load()
    return numbers.prefix_table(c.facts, c.operators)


def test_prefix_table_comes_from_the_facts(table):
    assert table["operators"] == {"50": "azercell", "51": "azercell", "55": "bakcell",
                                  "70": "nar", "77": "nar"}
    assert table["naxtel"] == ["60"]
    assert table["unconfirmed"] == ["10", "99"]


@pytest.mark.parametrize(("value", "codes"), [("050, 051", ["50", "51"]), ("055", ["55"]),
                                              ("070, 077", ["70", "77"])])
def test_national_prefixes(value, codes):
    assert numbers.national_prefixes(value) == codes


def test_a_fact_without_prefixes_is_an_error():
    with pytest.raises(ValueError):
        numbers.national_prefixes("Since 2012 and later")


def test_lookup_in_the_browser_code(table):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the finder's JavaScript unit tests need it")
    test_file = os.path.join(os.path.dirname(__file__), "js", "number-finder.test.js")
    result = subprocess.run([node, "--test", test_file], capture_output=True, text=True,
                            env={**os.environ, "SIMEXIT_PREFIX_TABLE": json.dumps(table)},
                            timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout
