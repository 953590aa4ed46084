"""The operator finder: a prefix table from the facts, and the in-browser lookup."""

from __future__ import annotations

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
