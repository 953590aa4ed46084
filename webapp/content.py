"""Load and validate the guide's content files into small dataclasses.

The content lives in ``webapp/content/`` (see its README for the schema). Any
problem raises :class:`ContentError` naming the file, the entry and the field,
so a bad edit stops the build instead of reaching a traveller.

This module says which fields each file and entry has and how they relate (fact references,
unique ids, the short way's steps). The work is shared with three siblings, whose names it
re-exports so callers import from here alone:

- :mod:`webapp.content_models`: the dataclasses (:class:`Fact`, :class:`Step`, :class:`Guide`...);
- :mod:`webapp.content_reader`: :class:`~webapp.content_reader.Reader`, typed access to one
  TOML table, and :class:`ContentError`;
- :mod:`webapp.content_extract`: the Babel extractor and :func:`translatable_strings`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from .content_extract import translatable_strings
from .content_models import (
    Content,
    Fact,
    Guide,
    Option,
    Question,
    ShortLine,
    SourceDate,
    Step,
)
from .content_reader import ContentError, Reader, entry_name, load_toml

__all__ = [
    "CONTENT_DIR",
    "FACT_RE",
    "OPERATORS",
    "SECTIONS",
    "SHORT_WAY_LINES",
    "Content",
    "ContentError",
    "Fact",
    "Guide",
    "Option",
    "Question",
    "ShortLine",
    "SourceDate",
    "Step",
    "load",
    "translatable_strings",
]

CONTENT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "content")

#: The operators the guide covers, in display order. Naxtel stopped in Dec 2025 (facts §8).
OPERATORS: tuple[str, ...] = ("azercell", "bakcell", "nar")
#: The shared guide sections, each one page.
SECTIONS: tuple[str, ...] = ("prepare", "aftercare", "faq")

#: ``{fact:ID}`` shows a fact's value (a phone number as a link to call); ``{fact:ID:text}``
#: only mentions it, never as a link: "101 is the fire service, not an operator" must not
#: put a tap on 101 inside the sentence that says not to call it.
FACT_RE = re.compile(r"\{fact:([a-z0-9-]+)(:text)?\}")
#: How many lines an operator guide's short way has: before, where, bring, ask, keep.
SHORT_WAY_LINES = (3, 5)


def _facts(path: str) -> dict[str, Fact]:
    data = load_toml(path)
    top = Reader(path, "(file)", data)
    top.check_keys({"fact"})
    facts: dict[str, Fact] = {}
    for index, table in enumerate(top.tables("fact", required=True)):
        r = Reader(path, entry_name("fact", index, table), table)
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
    r: Reader, name: str, facts: Mapping[str, Fact], texts: list[str | None]
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


def _fact_id(r: Reader, name: str, facts: Mapping[str, Fact]) -> str:
    """A field that names one fact by its id."""
    ref = r.ident(name)
    if ref not in facts:
        r.fail(name, f"unknown fact {ref!r}")
    return ref


def _option(
    path: str, step_id: str, index: int, table: object, facts: Mapping[str, Fact]
) -> Option:
    r = Reader(path, f"step '{step_id}' " + entry_name("option", index, table), table)
    r.check_keys({"id", "title", "body", "can", "cannot", "unknown", "facts"})
    option_id = r.ident("id")
    title, body = r.text("title"), r.text("body", required=False)
    can, cannot, unknown = r.texts("can"), r.texts("cannot"), r.texts("unknown")
    refs = _fact_refs(r, "facts", facts, [title, body, *can, *cannot, *unknown])
    return Option(option_id, title, body, can, cannot, unknown, refs)


def _step(path: str, index: int, table: object, facts: Mapping[str, Fact]) -> Step:
    r = Reader(path, entry_name("step", index, table), table)
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


def _question(path: str, index: int, table: object, facts: Mapping[str, Fact]) -> Question:
    r = Reader(path, entry_name("question", index, table), table)
    r.check_keys({"id", "question", "answer", "items", "facts"})
    qid = r.ident("id")
    question, answer, items = r.text("question"), r.text("answer"), r.texts("items")
    return Question(
        qid, question, answer, items, _fact_refs(r, "facts", facts, [question, answer, *items])
    )


def _short_way(
    path: str, r: Reader, steps: tuple[Step, ...], facts: Mapping[str, Fact]
) -> tuple[ShortLine, ...]:
    """The short way's lines, each naming a step of the same file."""
    tables = r.tables("short_way", required=True)
    low, high = SHORT_WAY_LINES
    if not low <= len(tables) <= high:
        r.fail("short_way", f"has {len(tables)} lines; the short way has {low} to {high}")
    step_ids = [s.id for s in steps]
    lines = []
    for index, table in enumerate(tables):
        line = Reader(path, entry_name("short_way", index, table), table)
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


def _guide(path: str, expected_id: str, facts: Mapping[str, Fact], *, operator: bool) -> Guide:
    data = load_toml(path)
    r = Reader(path, "(file)", data)
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
    name = hotline = prefixes = None  # operators only
    short_way: tuple[ShortLine, ...] = ()
    if operator:
        name = title = r.text("name")
        hotline, prefixes = _fact_id(r, "hotline", facts), _fact_id(r, "prefixes", facts)
        short_way = _short_way(path, r, steps, facts)
    else:
        title = r.text("title")
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
