"""The "Show to the clerk" cards: what to say at the counter, in Azerbaijani and Russian.

Each line is rendered in Azerbaijani (large), Russian (beneath) and the reader's own
language (small print), from the same catalogs as every other string.

The lines ask; they never demand what no source supports. No operator promises a refund of
the remaining balance (facts §4): the card asks what happens to it and whether it can be
moved to another number on the same network, which Azercell and Nar offer in small amounts.
No operator says it issues a written confirmation either: the card asks whether it can.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale, gettext


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, in several locales."""
    return message


#: The languages of the counter: staff speak Azerbaijani and often Russian.
COUNTER_LOCALES = ("az", "ru")

#: TRANSLATORS: shown to shop staff; polite questions and requests, as said at a counter.
TERMINATE_LINES = (
    N_(
        "Hello. Could you please terminate my contract and cancel this number for good, not "
        "only block the line?"
    ),
    N_("Here is my passport, and my registration card or residence permit if I have one."),
    N_(
        "What will happen to the remaining balance? Can it be moved to another %(operator)s "
        "number?"
    ),
    N_(
        "Could you give me a written confirmation that the contract is terminated and the "
        "number is cancelled? A text message is fine too. Thank you."
    ),
)
#: TRANSLATORS: shown to shop staff; polite questions, as asked in the street or in a shop.
#: The first is for a shop that sends the traveller elsewhere (a kiosk that only sells SIMs).
OFFICE_LINES = (
    N_(
        "If my contract cannot be terminated here, could you please tell me which %(operator)s "
        "office can do it?"
    ),
    N_("Excuse me, where is the nearest %(operator)s office where I can cancel my number?"),
    N_("Could you write down the address or show it to me on a map, please?"),
)

#: What the traveller closes, and the label shown above its number on the card.
#: TRANSLATORS: shown to shop staff above the number, in large digits.
PRODUCTS = (
    ("sim", N_("SIM card"), N_("The number to cancel — SIM card")),
    (
        "data",
        N_("Data card (internet only)"),
        N_("The number to cancel — data card (a SIM card for mobile internet only)"),
    ),
    ("esim", N_("eSIM"), N_("The number to cancel — eSIM")),
)


@dataclass(frozen=True)
class Line:
    counter: tuple[tuple[str, str], ...]  # (locale, text) for each counter language
    own: str | None  # the reader's language, when it is not a counter language


@dataclass(frozen=True)
class Card:
    id: str
    title: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Product:
    id: str
    name: str  # in the reader's language: the choice on the form
    label: Line  # above the number on the card


def _line(message: str, operator: str, own_locale: str) -> Line:
    counter = []
    for locale in COUNTER_LOCALES:
        with force_locale(locale):
            counter.append((locale, gettext(message, operator=operator)))
    own = None if own_locale in COUNTER_LOCALES else gettext(message, operator=operator)
    return Line(tuple(counter), own)


def cards(operator: str, own_locale: str) -> tuple[Card, ...]:
    """Both cards for one operator, rendered for a reader of ``own_locale``."""
    return (
        Card(
            "terminate",
            gettext("At the counter"),
            tuple(_line(m, operator, own_locale) for m in TERMINATE_LINES),
        ),
        Card(
            "office",
            gettext("Finding an office"),
            tuple(_line(m, operator, own_locale) for m in OFFICE_LINES),
        ),
    )


def products(own_locale: str) -> tuple[Product, ...]:
    """The choices of the number form, each with its label for the card."""
    return tuple(
        Product(id, gettext(name), _line(label, "", own_locale)) for id, name, label in PRODUCTS
    )
