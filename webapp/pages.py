"""The guide's HTML pages, one view per page, all under ``/<lang_code>/``.

`flask build` renders every URL of :func:`page_urls` into the static site; the
views also answer directly (development, tests). The bare ``/`` redirects to the
visitor's best language by ``Accept-Language``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

from babel.dates import format_skeleton
from flask import Blueprint, Flask, abort, current_app, g, redirect, render_template, url_for
from flask_babel import format_date, get_locale, gettext, ngettext
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from . import assets, clerk_card, content, i18n, names, numbers
from .push import messages, schedule

bp = Blueprint("pages", __name__, url_prefix="/<lang_code>")

#: The reminder plan's rules, for the page's calendar file (the server's plan uses the same).
REMINDER_RULES = [
    {"kind": r.kind, "day_offset": r.day_offset, "time": r.local_time.strftime("%H:%M")}
    for r in schedule.RULES
]

#: Pages of each language besides the operator guides and clerk cards, by endpoint.
PAGES: tuple[str, ...] = ("index", "prepare", "aftercare", "faq", "finder", "sources", "offline")

#: The example numbers the forms' hints and messages show, kept out of the catalogs: they are
#: the same in every language, and each is put into its sentence isolated, left to right.
EXAMPLE_NUMBERS: dict[str, str] = {
    "international": "+994 50 123 45 67",
    "national": "050 123 45 67",
    "prefix": "050",
    "country_code": "+994",
}
#: An e-mail address in running text (never followed by the sentence's own full stop).
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: Unicode's left-to-right isolate and its end (UAX #9): what ``<bdi dir="ltr">`` does, for
#: text that cannot hold markup (an attribute a script shows as text).
LTR_ISOLATE, POP_ISOLATE = "\u2066", "\u2069"


@bp.url_defaults
def add_language_code(endpoint: str, values: dict[str, Any]) -> None:
    if "lang_code" not in values and "lang_code" in g:
        values["lang_code"] = g.lang_code


@bp.url_value_preprocessor
def pull_lang_code(endpoint: str | None, values: dict[str, Any] | None) -> None:
    # Every route of the blueprint has the language in its prefix: values never lack it.
    g.lang_code = values.pop("lang_code", None) if values else None
    if g.lang_code not in i18n.LANGUAGES:
        abort(404)


def site_content() -> content.Content:
    """The validated content, loaded once per app (the build reloads it)."""
    cached = current_app.extensions.get("simexit_content")
    if cached is None:
        cached = current_app.extensions["simexit_content"] = content.load()
    return cached


@bp.route("/")
def index() -> str:
    c = site_content()
    return render_template(
        "index.html", operators=list(c.operators.values()), sections=c.sections, page_id="index"
    )


#: ``azercell|bakcell|nar``: the operators of the content, the only values the routes accept.
OPERATOR_ROUTE = f"<any({', '.join(content.OPERATORS)}):operator>"


@bp.route(f"/{OPERATOR_ROUTE}/")
def operator(operator: str) -> str:
    guide = site_content().operators[operator]
    return render_template("guide.html", guide=guide, page_id=operator, operator=guide)


@bp.route(f"/{OPERATOR_ROUTE}/clerk/")
def clerk(operator: str) -> str:
    c = site_content()
    guide = c.operators[operator]
    if guide.name is None:  # the content loader requires an operator's name
        raise LookupError(f"the {operator} guide has no operator name")
    locale = i18n.LANGUAGES[g.lang_code]
    prefixes = numbers.mobile_prefixes(c.facts, c.operators)
    return render_template(
        "clerk.html",
        operator=guide,
        page_id=f"{operator}-clerk",
        cards=clerk_card.cards(guide.name, locale),
        products=clerk_card.products(locale),
        mobile_prefixes=prefixes,
        mobile_prefix_list=", ".join("0" + p for p in prefixes),
        counter_locales=clerk_card.COUNTER_LOCALES,
    )


@bp.route("/finder/")
def finder() -> str:
    c = site_content()
    return render_template(
        "finder.html",
        page_id="finder",
        table=numbers.prefix_table(c.facts, c.operators),
        library=numbers.LIBRARY,
        library_version=numbers.library_version(),
    )


@bp.route("/prepare/", endpoint="prepare", defaults={"section": "prepare"})
@bp.route("/aftercare/", endpoint="aftercare", defaults={"section": "aftercare"})
def section(section: str) -> str:
    return render_template(
        "guide.html", guide=site_content().sections[section], page_id=section, operator=None
    )


@bp.route("/faq/")
def faq() -> str:
    return render_template("faq.html", guide=site_content().sections["faq"], page_id="faq")


@bp.route("/sources/")
def sources() -> str:
    facts = sorted(site_content().facts.values(), key=lambda f: (f.status != "known", f.id))
    return render_template("sources.html", facts_sorted=facts, page_id="sources")


@bp.route("/offline/")
def offline() -> str:
    return render_template("offline.html", page_id="offline")


def root() -> Response:
    """``/``: send the browser to its best language."""
    response = redirect(url_for("pages.index", lang_code=i18n.best_lang_code()), code=302)
    response.headers["Vary"] = "Accept-Language"
    response.headers["Cache-Control"] = "no-cache"
    return response


def ltr(value: str) -> Markup:
    """A number, code or address inside a sentence, isolated and left to right:
    ``+994 50 123 45 67`` keeps its order inside Arabic and Persian text, where the bidi
    algorithm would otherwise lay its groups out right to left (``67 45 123 50 994+``)."""
    return Markup('<bdi dir="ltr">{}</bdi>').format(value)


def ltr_text(value: str) -> str:
    """:func:`ltr` for plain text (the messages a script shows from ``data-i18n.*``)."""
    return f"{LTR_ISOLATE}{value}{POP_ISOLATE}"


def page_urls(lang_code: str) -> list[str]:
    """Every page URL of one language, in a stable order: what the build renders."""
    endpoints: list[tuple[str, dict[str, Any]]] = [("pages.index", {})]
    endpoints += [("pages.operator", {"operator": op}) for op in content.OPERATORS]
    endpoints += [("pages.clerk", {"operator": op}) for op in content.OPERATORS]
    endpoints += [(f"pages.{name}", {}) for name in PAGES if name != "index"]
    return [url_for(endpoint, lang_code=lang_code, **values) for endpoint, values in endpoints]


def fact_value(
    fact: content.Fact, cls: str = "", *, in_text: bool = False, mention: bool = False
) -> Markup:
    """A fact's value, drawn the same way wherever a page shows one (in running text, in a
    facts list's entry, among a guide's key facts).

    A known phone number or e-mail address is a ``tel:``/``mailto:`` link (``mention``: its
    value only, where the text just mentions it) and reads left to right in every language
    (``dir="ltr"``: ``*1111`` would read ``1111*`` in Arabic text); a value in words
    (``6 months``, a list of prefixes) flows with its text, bare where it needs no class. An
    unknown fact says so plainly, never a guess: "not known" in running text (``in_text``),
    a bold "Not known" where it stands as an entry's value.

    :param cls: the element's class: ``fact`` in running text, ``fact-item__value`` in a
        facts list; none among the key facts.
    """
    # f-strings and escape(), not Markup.format: this runs thousands of times a build, and
    # Markup.format costs several times as much.
    if not fact.known and in_text and cls:
        cls = f"{cls} {cls}--unknown"
    attr = f' class="{escape(cls)}"' if cls else ""
    if not fact.known:
        tag, text = ("span", gettext("not known")) if in_text else ("strong", gettext("Not known"))
        return Markup(f"<{tag}{attr}>{escape(text)}</{tag}>")
    direction = ' dir="ltr"' if fact.kind in ("phone", "email") else ""
    if fact.href and not mention:
        return Markup(f'<a{attr} href="{escape(fact.href)}"{direction}>{escape(fact.value)}</a>')
    if attr or direction:
        return Markup(f"<span{attr}{direction}>{escape(fact.display_value)}</span>")
    return escape(fact.display_value)


def fact_text(text: str | None) -> Markup:
    """Translate a content string, keep each product name on one line (:mod:`webapp.names`)
    and put each ``{fact:ID}`` value in its place (:func:`fact_value`; ``{fact:ID:text}``
    mentions the fact without its link).
    """
    if not text:
        return Markup("")
    facts = site_content().facts
    # An e-mail address a translation writes into its sentence reads left to right too.
    translated = EMAIL_RE.sub(lambda m: str(ltr(m.group(0))), str(names.mark(gettext(text))))

    def replace(match: re.Match[str]) -> str:
        fact = facts[match.group(1)]
        return str(fact_value(fact, "fact", in_text=True, mention=bool(match.group(2))))

    return Markup(content.FACT_RE.sub(replace, translated))


def long_date(day: dt.date) -> str:
    """A date as the language writes it in full ("June 1, 2024", "۱ ژوئن ۲۰۲۴"): Gregorian, in
    the language's own digits, as the device writes it (``i18n.date_locale``)."""
    return i18n.native_digits(format_date(day, "long"), g.get("lang_code", i18n.DEFAULT_LANG))


def source_date_text(when: content.SourceDate) -> str:
    """A source's own date, as precisely as the source gives it ("June 2025", "2016")."""
    lang_code = g.get("lang_code", i18n.DEFAULT_LANG)
    if when.precision == "day":
        return long_date(when.date)
    if when.precision == "month":
        return i18n.native_digits(
            format_skeleton("yMMMM", when.date, locale=get_locale()), lang_code
        )
    return i18n.native_digits(str(when.date.year), lang_code)


class FactAnchors:
    """One ``id="fact-…"`` per fact per page: the first :meth:`__call__` for a fact on the
    page being rendered gets its id, a repeat (the same fact under two steps, or in a step
    and the page's facts box) gets ``""`` and no ``id``, so a ``#fact-…`` link reaches
    exactly one element. A fresh instance comes with every ``render_template``."""

    def __init__(self) -> None:
        self._given: set[str] = set()

    def __call__(self, fact_id: str) -> str:
        if fact_id in self._given:
            return ""
        self._given.add(fact_id)
        return f"fact-{fact_id}"


def source_host(url: str) -> str:
    """A source's site as its link names it (``www.azercell.com`` -> ``azercell.com``); the
    whole address if it has no host (the content loader takes only http(s) URLs)."""
    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else url


def progress_texts(total: int) -> list[str]:
    """The checklist's progress line for 0..total ticked steps, pluralised by the catalog."""
    return [
        ngettext(
            "%(done)d of %(num)d step done", "%(done)d of %(num)d steps done", total, done=done
        )
        for done in range(total + 1)
    ]


def init_app(app: Flask) -> None:
    """Register ``/``, and the template helpers every page uses."""
    app.add_url_rule("/", "root", root)

    @app.context_processor
    def page_globals() -> dict[str, Any]:
        lang_code = g.get("lang_code", i18n.DEFAULT_LANG)
        return {
            "lang_code": lang_code,
            "html_lang": i18n.HTML_LANG[lang_code],
            "text_dir": i18n.text_direction(lang_code),
            "text_dirs": {code: i18n.text_direction(code) for code in i18n.LANGUAGES},
            "date_locale": i18n.date_locale(lang_code),
            "locale": i18n.LANGUAGES[lang_code],
            # Absolute alternates and canonical URLs where the public address is known.
            "public_url": str(current_app.config.get("PUBLIC_URL") or "").rstrip("/"),
            "languages": i18n.LANGUAGES,
            "native_names": i18n.NATIVE_NAMES,
            "html_langs": i18n.HTML_LANG,
            "asset_url": assets.url,
            "facts": site_content().facts,
            "fact_text": fact_text,
            "fact_value": fact_value,
            "fact_anchor": FactAnchors(),  # context processors run once per rendered page
            "progress_texts": progress_texts,
            # The example numbers, isolated left to right: as markup, and as text for
            # attributes a script shows (``data-i18n.*``).
            "example": {name: ltr(value) for name, value in EXAMPLE_NUMBERS.items()},
            "example_text": {name: ltr_text(value) for name, value in EXAMPLE_NUMBERS.items()},
            "reminder_rules": REMINDER_RULES,
            "reminder_sentences": messages.plan_sentences,
            "all_operators": content.OPERATORS,
            "operator_names": {op: guide.name for op, guide in site_content().operators.items()},
        }

    app.add_template_filter(lambda d: long_date(d) if isinstance(d, dt.date) else "", "long_date")
    app.add_template_filter(source_date_text, "source_date")
    app.add_template_filter(names.mark, "names")
    app.add_template_filter(source_host, "source_host")
