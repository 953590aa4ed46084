"""The operator finder's prefix table, generated from the ``phonenumbers`` package.

No prefix is typed in here: every two-digit code after the trunk 0 is asked of
``phonenumbers`` (the maintained port of Google's libphonenumber) at build time,
and its carrier names are mapped to this guide's operators by one explicit table.
The lookup itself runs in the browser (``static/js/number-finder.js``): a number
typed there is never sent anywhere.
"""

from __future__ import annotations

import functools
import importlib.metadata
import re

import phonenumbers
from phonenumbers import carrier

from .content import Fact, Guide

#: The package the table comes from (named with its version on the finder page).
LIBRARY = "phonenumbers"

#: The library's English carrier names -> this guide's operators. Kept explicit on purpose:
#: a carrier name that is in neither this table nor NOT_COVERED fails the build, so a library
#: update that renames a carrier (or adds one) is read by a person before the finder answers.
CARRIER_OPERATORS = {"Azercell": "azercell", "Bakcell": "bakcell", "Nar Mobile": "nar"}
#: Carriers the library names for some mobile ranges that this guide does not cover: the finder
#: names them and says to ask them.
NOT_COVERED = frozenset({"FONEX", "Aztelekom"})

#: The fact whose prefixes tell nothing about today's operator, whatever the library says.
NAXTEL_FACT = "prefix-060"  # former Naxtel numbers, moved to all three operators (facts §8)


class PrefixTableError(ValueError):
    """The library's data is not what this module knows how to answer from."""


def library_version() -> str:
    """The installed version of the package the table comes from, e.g. ``"9.0.43"``."""
    return importlib.metadata.version(LIBRARY)


def national_prefixes(value: str) -> list[str]:
    """``"050, 051"`` -> ``["50", "51"]``: two-digit codes after the trunk 0."""
    codes = re.findall(r"\b0?(\d{2})\b", value)
    if not codes:
        raise ValueError(f"no prefixes in {value!r}")
    return codes


def _carrier_at(national: str) -> str:
    """The library's English carrier name for an Azerbaijani number dialled as ``national``;
    ``""`` when it names none (``name_for_number`` answers for mobile ranges only)."""
    try:
        number = phonenumbers.parse(national, "AZ")
    except phonenumbers.NumberParseException:
        return ""  # "00…" is the international prefix, not a range of +994
    return carrier.name_for_number(number, "en")


@functools.cache
def carrier_names() -> dict[str, str]:
    """``{"10": "Azercell", "40": "FONEX", …}``: every two-digit code after the trunk 0 for which
    the library names a carrier, in code order.

    Each code is sampled at every next digit (0…9 then 234567), because the finder answers from
    the first two digits only: a code the library splits between carriers fails here.
    """
    names: dict[str, str] = {}
    for n in range(100):
        code = f"{n:02d}"
        found = {_carrier_at(f"0{code}{digit}234567") for digit in "0123456789"} - {""}
        if len(found) > 1:
            raise PrefixTableError(
                f"{LIBRARY} {library_version()} splits 0{code} between "
                f"{', '.join(sorted(found))}: the finder cannot answer it "
                "from two digits"
            )
        if found:
            names[code] = found.pop()
    return names


def prefix_table(facts: dict[str, Fact], operators: dict[str, Guide]) -> dict:
    """``{"operators": {"10": "azercell", …}, "naxtel": ["60"], "other": {"40": "FONEX", …}}``.

    ``operators``: codes whose carrier this guide covers; ``naxtel``: the codes of the
    ``prefix-060`` fact, answered "any of the three" although the library names the block's
    original holder; ``other``: codes of carriers in NOT_COVERED, by the library's name. Any
    other carrier name raises :class:`PrefixTableError`, naming it.
    """
    missing = set(CARRIER_OPERATORS.values()) - set(operators)
    if missing:
        raise PrefixTableError(f"CARRIER_OPERATORS maps to no guide: {', '.join(sorted(missing))}")
    naxtel = national_prefixes(facts[NAXTEL_FACT].value or "")
    table: dict = {"operators": {}, "naxtel": naxtel, "other": {}}
    for code, name in carrier_names().items():
        if code in naxtel:
            continue
        if name in CARRIER_OPERATORS:
            table["operators"][code] = CARRIER_OPERATORS[name]
        elif name in NOT_COVERED:
            table["other"][code] = name
        else:
            raise PrefixTableError(
                f"{LIBRARY} {library_version()} names an unknown carrier {name!r} for 0{code}: "
                "add it to CARRIER_OPERATORS or NOT_COVERED in webapp/numbers.py"
            )
    return table


def mobile_prefixes(facts: dict[str, Fact], operators: dict[str, Guide]) -> list[str]:
    """Every two-digit prefix a number to close at this guide's operators can have, sorted:
    the operators' own and the former Naxtel 060 (those numbers were kept, facts §8). The
    carriers the guide does not cover (``other``) are left out: their counters are not ours."""
    table = prefix_table(facts, operators)
    return sorted({*table["operators"], *table["naxtel"]})
