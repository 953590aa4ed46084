"""The operator finder's prefix table, derived from the facts (never typed in twice).

The lookup itself runs in the browser (``static/js/number-finder.js``): a number
typed there is never sent anywhere.
"""

from __future__ import annotations

import re

from .content import Fact, Guide

#: Facts whose prefixes tell nothing about today's operator.
NAXTEL_FACT = "prefix-060"  # former Naxtel numbers, moved to all three operators (facts §8)


def national_prefixes(value: str) -> list[str]:
    """``"050, 051"`` -> ``["50", "51"]``: two-digit codes after the trunk 0."""
    codes = re.findall(r"\b0?(\d{2})\b", value)
    if not codes:
        raise ValueError(f"no prefixes in {value!r}")
    return codes


def prefix_table(facts: dict[str, Fact], operators: dict[str, Guide]) -> dict:
    """``{"operators": {"50": "azercell", …}, "naxtel": [...], "unconfirmed": [...]}``."""
    table: dict = {"operators": {}, "naxtel": [], "unconfirmed": []}
    for op, guide in operators.items():
        for code in national_prefixes(facts[guide.prefixes].value or ""):
            table["operators"][code] = op
    table["naxtel"] = national_prefixes(facts[NAXTEL_FACT].value or "")
    return table


def mobile_prefixes(facts: dict[str, Fact], operators: dict[str, Guide]) -> list[str]:
    """Every two-digit prefix of an Azerbaijani mobile number the facts name, sorted: the
    operators' own and the former Naxtel 060 (those numbers were kept, facts §8)."""
    table = prefix_table(facts, operators)
    return sorted({*table["operators"], *table["naxtel"], *table["unconfirmed"]})
