"""The guide's content as small frozen dataclasses: facts, steps, questions, guides.

:func:`webapp.content.load` builds them from the TOML files and checks them; templates and
views only read them. Import them from :mod:`webapp.content`, which re-exports them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class SourceDate:
    """The date a source shows, as precisely as it shows it."""

    date: dt.date
    precision: str  # "day", "month" or "year"


@dataclass(frozen=True)
class Fact:
    id: str
    label: str
    status: str  # "known" or "unknown"
    kind: str  # "phone", "email" or "text"
    source: str
    verified: dt.date
    confidence: str
    value: str | None = None
    note: str | None = None
    source_date: SourceDate | None = None

    @property
    def known(self) -> bool:
        return self.status == "known"

    @property
    def display_value(self) -> str | None:
        """The value as shown: translated when it is prose (as Markup, each product name kept
        on one line: :mod:`webapp.names`), verbatim when a number or address."""
        if self.value is None or self.kind != "text":
            return self.value
        from flask_babel import gettext

        from .names import mark

        return mark(gettext(self.value))

    @property
    def href(self) -> str | None:
        """A ``tel:``/``mailto:`` link for a known phone number or email address."""
        if not self.known or self.value is None:
            return None
        if self.kind == "phone":
            return "tel:" + self.value.replace(" ", "").replace("#", "%23")
        if self.kind == "email":
            return "mailto:" + self.value
        return None


@dataclass(frozen=True)
class Option:
    id: str
    title: str
    body: str | None = None
    can: tuple[str, ...] = ()
    cannot: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()  # what the sources leave open about this channel
    facts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    body: str | None = None
    items: tuple[str, ...] = ()
    tip: str | None = None
    facts: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()


@dataclass(frozen=True)
class ShortLine:
    """One line of an operator guide's short way: what to do, linking to its full step."""

    step: str  # the id of the step that says it in full
    text: str


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answer: str
    items: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Guide:
    """One page of steps: an operator's guide, or a shared section."""

    id: str
    title: str
    summary: str
    steps: tuple[Step, ...] = ()
    questions: tuple[Question, ...] = ()
    name: str | None = None  # operators only (a proper noun, never translated)
    hotline: str | None = None  # fact id
    prefixes: str | None = None  # fact id
    short_way: tuple[ShortLine, ...] = ()  # operators only: the page's first lines


@dataclass(frozen=True)
class Content:
    facts: dict[str, Fact]
    operators: dict[str, Guide]
    sections: dict[str, Guide]
