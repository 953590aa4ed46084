"""Babel extractor for the content files, so their strings join the gettext catalogs.

Configured in ``babel.cfg``; each message gets the TOML key path as a translator
comment, so translators know whether a string is a title, a step or a fact label.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

#: The fields whose strings are translated (README of ``webapp/content/``); a fact's ``value``
#: too when its kind is "text".
TEXT_KEYS = frozenset(
    {
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
)


def extract_content(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Yield ``(lineno, funcname, message, comments)`` for every translatable string."""
    raw = fileobj.read().decode("utf-8")
    data = tomllib.loads(raw)
    lines = raw.splitlines()
    for path, text in translatable_strings(data):
        yield _line_of(lines, text), "gettext", text, [f"TRANSLATORS: content {path}"]


def _line_of(lines: list[str], text: str) -> int:
    """The first line that contains ``text`` (1-based), for the catalog's reference."""
    needle = text.splitlines()[0][:40]
    for number, line in enumerate(lines, start=1):
        if needle in line:
            return number
    return 1


def translatable_strings(data: Mapping[str, object]) -> Iterator[tuple[str, str]]:
    """Yield ``(key_path, text)`` for every translatable string in a parsed file.

    Used by the Babel extractor, so translators see content and templates in one catalog.
    """
    yield from _walk(data, "")


def _is_text(value: object) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    )


def _walk(node: object, trail: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            # A fact's value is prose when its kind is "text" (numbers and addresses are not).
            text_key = key in TEXT_KEYS or (key == "value" and node.get("kind", "text") == "text")
            # A key is text only when it holds text: `[[question]]` is a list of tables
            # named like the `question` field inside them, and must be walked, not skipped.
            if text_key and _is_text(value):
                values = value if isinstance(value, list) else [value]
                for v in values:
                    if v.strip():
                        yield f"{trail}.{key}".lstrip("."), v.strip()
            elif isinstance(value, (dict, list)):
                label = node.get("id", "")
                yield from _walk(value, f"{trail}.{key}" + (f"[{label}]" if label else ""))
    elif isinstance(node, list):
        for item in node:
            ident = item.get("id", "") if isinstance(item, dict) else ""
            yield from _walk(item, f"{trail}[{ident}]" if ident else trail)
