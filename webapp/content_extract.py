"""Babel extractor for the content files, so their strings join the gettext catalogs.

Configured in ``babel.cfg``; each message gets the TOML key path as a translator
comment, so translators know whether a string is a title, a step or a fact label.
"""

from __future__ import annotations

import tomllib

from .content import translatable_strings


def extract_content(fileobj, keywords, comment_tags, options):
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
