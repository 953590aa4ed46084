"""Load and validate the guide's content files into small dataclasses.

The content lives in ``webapp/content/`` (see its README for the schema). Any
problem raises :class:`ContentError` naming the file, the entry and the field,
so a bad edit stops the build instead of reaching a traveller.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass

CONTENT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "content")

#: The operators the guide covers, in display order. Naxtel stopped in Dec 2025 (facts §8).
OPERATORS: tuple[str, ...] = ("azercell", "bakcell", "nar")
#: The shared guide sections, each one page.
SECTIONS: tuple[str, ...] = ("prepare", "aftercare", "faq")

#: ``{fact:ID}`` shows a fact's value (a phone number as a link to call); ``{fact:ID:text}``
#: only mentions it, never as a link: "101 is the fire service, not an operator" must not
#: put a tap on 101 inside the sentence that says not to call it.
FACT_RE = re.compile(r"\{fact:([a-z0-9-]+)(:text)?\}")
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


def _entry(kind: str, index: int, table: object) -> str:
    """How an error names an entry: by its id when it has one, else by its position."""
    if isinstance(table, dict) and isinstance(table.get("id"), str):
        return f"{kind} '{table['id']}'"
    return f"{kind} #{index + 1}"


class _Reader:
    """Typed access to one table of one file, raising ContentError with context."""

    def __init__(self, path: str, entry: str, table: object):
        self.path, self.entry = path, entry
        if not isinstance(table, dict):
            self.fail("(entry)", "must be a table")
        self.table = table

    def fail(self, name: str, problem: str):
        raise ContentError(self.path, self.entry, name, problem)

    def check_keys(self, allowed: set[str]) -> None:
        for key in self.table:
            if key not in allowed:
                self.fail(key, f"unknown field (allowed: {', '.join(sorted(allowed))})")

    def text(self, name: str, *, required: bool = True) -> str | None:
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
        if value not in choices:
            self.fail(name, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def date(self, name: str, *, required: bool = True) -> dt.date | None:
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
        value = self.table.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(name, "must be a list of non-empty strings")
        return tuple(v.strip() for v in value)

    def tables(self, name: str, *, required: bool = False) -> list:
        value = self.table.get(name, [])
        if not isinstance(value, list) or (required and not value):
            self.fail(
                name,
                "must be a non-empty array of tables"
                if required
                else "must be an array of tables",
            )
        return value


def _load_toml(path: str) -> dict:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ContentError(path, "(file)", "(file)", "file is missing") from None
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(path, "(file)", "(syntax)", f"not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ContentError(path, "(file)", "(encoding)", "not UTF-8 text") from None


def _facts(path: str) -> dict[str, Fact]:
    data = _load_toml(path)
    top = _Reader(path, "(file)", data)
    top.check_keys({"fact"})
    facts: dict[str, Fact] = {}
    for index, table in enumerate(top.tables("fact", required=True)):
        r = _Reader(path, _entry("fact", index, table), table)
        r.check_keys(
            {
                "id",
                "label",
                "status",
                "value",
                "kind",
                "note",
                "source",
                "source_date",
                "verified",
                "confidence",
            }
        )
        fact_id = r.ident("id")
        if fact_id in facts:
            r.fail("id", "duplicate id")
        status = r.choice("status", ("known", "unknown"))
        value = r.text("value", required=False)
        if status == "known" and value is None:
            r.fail("value", "is missing (a known fact needs a value)")
        if status == "unknown" and value is not None:
            r.fail("value", "must be absent for an unknown fact: never guess")
        facts[fact_id] = Fact(
            id=fact_id,
            label=r.text("label"),
            status=status,
            value=value,
            kind=r.choice("kind", ("phone", "email", "text"), default="text"),
            note=r.text("note", required=False),
            source=r.url("source"),
            source_date=r.source_date("source_date"),
            verified=r.date("verified"),
            confidence=r.choice("confidence", ("high", "medium")),
        )
    return facts


def _fact_refs(
    r: _Reader, name: str, facts: dict[str, Fact], texts: list[str | None]
) -> tuple[str, ...]:
    """The facts a step lists, plus every ``{fact:ID}`` its texts use, each checked.

    A fact only mentioned (``{fact:ID:text}``) is not listed: its sources box would offer
    the number to call, which is what the mention warns against.
    """
    listed = list(r.texts(name))
    for text in texts:
        for ref, mention in FACT_RE.findall(text or ""):
            if ref not in facts:
                r.fail("text", f"placeholder {{fact:{ref}}} names an unknown fact")
            if not mention:
                listed.append(ref)
    for ref in listed:
        if ref not in facts:
            r.fail(name, f"unknown fact {ref!r}")
    return tuple(dict.fromkeys(listed))


def _option(path: str, step_id: str, index: int, table, facts) -> Option:
    r = _Reader(path, f"step '{step_id}' " + _entry("option", index, table), table)
    r.check_keys({"id", "title", "body", "can", "cannot", "unknown", "facts"})
    option_id = r.ident("id")
    title, body = r.text("title"), r.text("body", required=False)
    can, cannot, unknown = r.texts("can"), r.texts("cannot"), r.texts("unknown")
    refs = _fact_refs(r, "facts", facts, [title, body, *can, *cannot, *unknown])
    return Option(option_id, title, body, can, cannot, unknown, refs)


def _step(path: str, index: int, table, facts) -> Step:
    r = _Reader(path, _entry("step", index, table), table)
    r.check_keys({"id", "title", "body", "items", "tip", "facts", "option"})
    step_id = r.ident("id")
    title, body, items, tip = (
        r.text("title"),
        r.text("body", required=False),
        r.texts("items"),
        r.text("tip", required=False),
    )
    options = tuple(_option(path, step_id, i, t, facts) for i, t in enumerate(r.tables("option")))
    if len({o.id for o in options}) != len(options):
        r.fail("option", "duplicate option id")
    return Step(
        step_id,
        title,
        body,
        items,
        tip,
        _fact_refs(r, "facts", facts, [title, body, tip, *items]),
        options,
    )


def _question(path: str, index: int, table, facts) -> Question:
    r = _Reader(path, _entry("question", index, table), table)
    r.check_keys({"id", "question", "answer", "items", "facts"})
    qid = r.ident("id")
    question, answer, items = r.text("question"), r.text("answer"), r.texts("items")
    return Question(
        qid, question, answer, items, _fact_refs(r, "facts", facts, [question, answer, *items])
    )


#: How many lines an operator guide's short way has: before, where, bring, ask, keep.
SHORT_WAY_LINES = (3, 5)


def _short_way(path: str, r: _Reader, steps: tuple[Step, ...], facts) -> tuple[ShortLine, ...]:
    """The short way's lines, each naming a step of the same file."""
    tables = r.tables("short_way", required=True)
    low, high = SHORT_WAY_LINES
    if not low <= len(tables) <= high:
        r.fail("short_way", f"has {len(tables)} lines; the short way has {low} to {high}")
    step_ids = [s.id for s in steps]
    lines = []
    for index, table in enumerate(tables):
        line = _Reader(path, _entry("short_way", index, table), table)
        line.check_keys({"step", "text"})
        step = line.ident("step")
        if step not in step_ids:
            line.fail("step", f"unknown step {step!r} (steps: {', '.join(step_ids)})")
        text = line.text("text")
        for ref, mention in FACT_RE.findall(text):
            if ref not in facts:
                line.fail("text", f"placeholder {{fact:{ref}}} names an unknown fact")
            if not mention:  # the line is a link: a number in it must not be one too
                line.fail(
                    "text", f"write {{fact:{ref}:text}}: a short-way line only mentions facts"
                )
        lines.append(ShortLine(step, text))
    return tuple(lines)


def _guide(path: str, expected_id: str, facts: dict[str, Fact], *, operator: bool) -> Guide:
    data = _load_toml(path)
    r = _Reader(path, "(file)", data)
    if operator:
        r.check_keys({"id", "name", "summary", "hotline", "prefixes", "short_way", "step"})
    else:
        r.check_keys({"id", "title", "summary", "step", "question"})
    guide_id = r.ident("id")
    if guide_id != expected_id:
        r.fail("id", f"{guide_id!r} does not match the file name (expected {expected_id!r})")
    steps = tuple(_step(path, i, t, facts) for i, t in enumerate(r.tables("step")))
    questions = tuple(_question(path, i, t, facts) for i, t in enumerate(r.tables("question")))
    for kind, ids in (("step", [s.id for s in steps]), ("question", [q.id for q in questions])):
        if len(set(ids)) != len(ids):
            r.fail(kind, f"duplicate {kind} id")
    if not steps and not questions:
        r.fail("step", "a guide needs at least one step or question")
    hotline = prefixes = None
    short_way: tuple[ShortLine, ...] = ()
    if operator:
        name = r.text("name")
        for key in ("hotline", "prefixes"):
            if r.ident(key) not in facts:
                r.fail(key, f"unknown fact {data[key]!r}")
        hotline, prefixes, title = data["hotline"], data["prefixes"], name
        short_way = _short_way(path, r, steps, facts)
    else:
        name, title = None, r.text("title")
    return Guide(
        guide_id, title, r.text("summary"), steps, questions, name, hotline, prefixes, short_way
    )


def load(content_dir: str = CONTENT_DIR) -> Content:
    """Load and validate every content file.

    :raise ContentError: naming the file, the entry and the field at fault.
    """
    facts_path = os.path.join(content_dir, "facts.toml")
    facts = _facts(facts_path)
    operators = {}
    op_dir = os.path.join(content_dir, "operators")
    if os.path.isdir(op_dir):
        for name in sorted(os.listdir(op_dir)):
            stem, ext = os.path.splitext(name)
            if ext == ".toml" and stem not in OPERATORS:
                raise ContentError(
                    os.path.join(op_dir, name),
                    "(file)",
                    "id",
                    f"unknown operator {stem!r} (known: {', '.join(OPERATORS)})",
                )
    for op in OPERATORS:
        path = os.path.join(op_dir, f"{op}.toml")
        operators[op] = _guide(path, op, facts, operator=True)
    sections = {}
    for section in SECTIONS:
        path = os.path.join(content_dir, f"{section}.toml")
        sections[section] = _guide(path, section, facts, operator=False)
    return Content(facts, operators, sections)


def translatable_strings(data: dict):
    """Yield ``(key_path, text)`` for every translatable string in a parsed file.

    Used by the Babel extractor, so translators see content and templates in one catalog.
    """
    keys = {
        "title",
        "summary",
        "body",
        "items",
        "label",
        "note",
        "question",
        "answer",
        "can",
        "cannot",
        "unknown",
        "tip",
        "text",
    }

    def is_text(value) -> bool:
        return isinstance(value, str) or (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        )

    def walk(node, trail):
        if isinstance(node, dict):
            for key, value in node.items():
                # A fact's value is prose when its kind is "text" (numbers and addresses are not).
                text_key = key in keys or (key == "value" and node.get("kind", "text") == "text")
                # A key is text only when it holds text: `[[question]]` is a list of tables
                # named like the `question` field inside them, and must be walked, not skipped.
                if text_key and is_text(value):
                    values = value if isinstance(value, list) else [value]
                    for v in values:
                        if v.strip():
                            yield f"{trail}.{key}".lstrip("."), v.strip()
                elif isinstance(value, (dict, list)):
                    label = node.get("id", "")
                    yield from walk(value, f"{trail}.{key}" + (f"[{label}]" if label else ""))
        elif isinstance(node, list):
            for item in node:
                ident = item.get("id", "") if isinstance(item, dict) else ""
                yield from walk(item, f"{trail}[{ident}]" if ident else trail)

    yield from walk(data, "")
