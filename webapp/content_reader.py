"""Typed, checked access to the values of a parsed content file.

:class:`Reader` wraps one TOML table (a file's top level or one ``[[step]]``, ``[[fact]]``...)
and hands out each field as the type the schema wants, or raises :class:`ContentError` naming
the file, the entry and the field. :mod:`webapp.content` says which fields each entry has.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from typing import Any, Literal, NoReturn, overload

from .content_models import SourceDate

#: A source's own date may be a day (a TOML date) or, where a page gives no more, "YYYY-MM"
#: or "YYYY".
PARTIAL_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$")


class ContentError(ValueError):
    """A content file is missing, malformed or inconsistent."""

    def __init__(self, path: str, entry: str, field_name: str, problem: str):
        self.path, self.entry, self.field, self.problem = path, entry, field_name, problem
        super().__init__(f"{path}: {entry}: field '{field_name}': {problem}")


def load_toml(path: str) -> dict[str, Any]:
    """The parsed file; a missing, unreadable or malformed file is a :class:`ContentError`."""
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ContentError(path, "(file)", "(file)", "file is missing") from None
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(path, "(file)", "(syntax)", f"not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ContentError(path, "(file)", "(encoding)", "not UTF-8 text") from None


def entry_name(kind: str, index: int, table: object) -> str:
    """How an error names an entry: by its id when it has one, else by its position."""
    if isinstance(table, dict) and isinstance(table.get("id"), str):
        return f"{kind} '{table['id']}'"
    return f"{kind} #{index + 1}"


class Reader:
    """Typed access to one table of one file, raising ContentError with context."""

    def __init__(self, path: str, entry: str, table: object):
        self.path, self.entry = path, entry
        if not isinstance(table, dict):
            self.fail("(entry)", "must be a table")
        self.table: dict[str, object] = table

    def fail(self, name: str, problem: str) -> NoReturn:
        raise ContentError(self.path, self.entry, name, problem)

    def check_keys(self, allowed: set[str]) -> None:
        for key in self.table:
            if key not in allowed:
                self.fail(key, f"unknown field (allowed: {', '.join(sorted(allowed))})")

    @overload
    def text(self, name: str, *, required: Literal[True] = ...) -> str: ...
    @overload
    def text(self, name: str, *, required: Literal[False]) -> str | None: ...
    def text(self, name: str, *, required: bool = True) -> str | None:
        """A non-empty string, stripped; ``None`` when absent and not required."""
        value = self.table.get(name)
        if value is None:
            if required:
                self.fail(name, "is missing")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(name, "must be a non-empty string")
        return value.strip()

    def ident(self, name: str) -> str:
        value = self.text(name)
        if not ID_RE.match(value):
            self.fail(name, f"{value!r} is not a valid id (lowercase letters, digits, '-')")
        return value

    def choice(self, name: str, choices: tuple[str, ...], default: str | None = None) -> str:
        value = self.table.get(name, default)
        if not isinstance(value, str) or value not in choices:
            self.fail(name, f"{value!r} is not one of {', '.join(choices)}")
        return value

    @overload
    def date(self, name: str, *, required: Literal[True] = ...) -> dt.date: ...
    @overload
    def date(self, name: str, *, required: Literal[False]) -> dt.date | None: ...
    def date(self, name: str, *, required: bool = True) -> dt.date | None:
        """A TOML date (not a date-time, not a string); ``None`` when absent and not required."""
        value = self.table.get(name)
        if value is None and not required:
            return None
        if value is None:
            self.fail(name, "is missing")
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            self.fail(name, f"{value!r} is not a date (write it as YYYY-MM-DD, unquoted)")
        return value

    def source_date(self, name: str) -> SourceDate | None:
        value = self.table.get(name)
        if value is None:
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return SourceDate(value, "day")
        match = PARTIAL_DATE_RE.match(value) if isinstance(value, str) else None
        if not match or not 1 <= int(match.group(2) or 1) <= 12:
            self.fail(
                name, f'{value!r} is not a date (YYYY-MM-DD unquoted, or "YYYY-MM" or "YYYY")'
            )
        year, month = int(match.group(1)), match.group(2)
        return SourceDate(dt.date(year, int(month or 1), 1), "month" if month else "year")

    def url(self, name: str) -> str:
        value = self.text(name)
        if not URL_RE.match(value):
            self.fail(name, f"{value!r} is not an http(s) URL")
        return value

    def texts(self, name: str) -> tuple[str, ...]:
        """A list of non-empty strings, each stripped; absent is empty."""
        value = self.table.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(name, "must be a list of non-empty strings")
        return tuple(v.strip() for v in value)

    def tables(self, name: str, *, required: bool = False) -> list[object]:
        """An array of tables (each still to be read); absent is empty unless required."""
        value = self.table.get(name, [])
        if not isinstance(value, list) or (required and not value):
            self.fail(
                name,
                "must be a non-empty array of tables"
                if required
                else "must be an array of tables",
            )
        return value
