"""Reading built pages as a reader meets them: the open elements, and what they inherit.

``Walker`` is an ``html.parser`` that keeps the elements open at each point on a stack, each
with the value it gives one inherited attribute (``lang`` or ``dir``), so a test can ask which
value holds where it is, and it passes over the text of scripts and styles. A test subclasses
it and says what it checks in ``start`` (an element's attributes) and ``text``.
"""

from __future__ import annotations

from html.parser import HTMLParser

#: HTML's void elements: they have no end tag and hold nothing.
VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)
#: Elements whose text no reader sees.
HIDDEN = frozenset({"script", "style"})


class Walker(HTMLParser):
    """The open elements as a stack of ``(tag, value of the inherited attribute or None)``."""

    def __init__(self, inherited: str):
        super().__init__(convert_charrefs=True)
        self.inherited = inherited
        self.stack: list[tuple[str, str | None]] = []

    def value(self, default: str = "") -> str:
        """The inherited attribute's value here: the innermost open element's that sets it,
        else ``default``."""
        for _, value in reversed(self.stack):
            if value is not None:
                return value
        return default

    def hidden(self) -> bool:
        """Whether this is inside a script or a style."""
        return any(tag in HIDDEN for tag, _ in self.stack)

    def start(self, tag: str, attrs: dict[str, str | None]) -> None:
        """An element starts; it is on the stack already (a void one never is)."""

    def text(self, data: str) -> None:
        """Text outside scripts and styles."""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag not in VOID:
            self.stack.append((tag, a.get(self.inherited)))
        self.start(tag, a)

    def handle_endtag(self, tag):
        # The innermost open element of that name ends, and every element still open in it.
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if not self.hidden():
            self.text(data)
