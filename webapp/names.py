"""Product and operator names that a line never breaks inside.

A name of two words or with a sign ("Azercell Kabinetim", "Nar+", "SIM Exit") is wrapped in
``<span class="name">`` where it is rendered (content text, fact values, the templates' own
strings through the ``names`` filter); app.css keeps the span on one line. One-word names
(Azercell, Bakcell, Nar) break nowhere anyway. Chinese "SIM 卡" carries a no-break space in
its catalog instead (translations/zh_Hans/glossary.md).
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

#: Longest first, so that "Azercell Kabinetim" is one name, not "Azercell" and a word.
NAMES: tuple[str, ...] = ("Azercell Kabinetim", "Azercell Paycell", "SIM Exit", "Nar+")
_NAME_RE = re.compile("|".join(re.escape(n) for n in sorted(NAMES, key=len, reverse=True)))
_TAG_RE = re.compile(r"(<[^>]*>)")


def mark(text: str) -> Markup:
    """``text`` (escaped unless it is already Markup) with each name in ``<span class="name">``.

    Only text between tags is searched, never a tag's attributes.
    """
    parts = _TAG_RE.split(str(escape(text)))
    for i in range(0, len(parts), 2):  # even parts are text, odd ones tags
        parts[i] = _NAME_RE.sub(lambda m: f'<span class="name">{m.group(0)}</span>', parts[i])
    return Markup("".join(parts))
