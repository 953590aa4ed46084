"""webapp.pages: how a fact's value is drawn (one function for every page), the content
strings that carry facts, and the small helpers the templates use."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from appconfig import app_config
from flask import g
from flask_babel import force_locale

from webapp import content, create_app, i18n, pages

TEMPLATES = Path(pages.__file__).parent / "templates"


def fact(kind: str, value: str | None, status: str = "known") -> content.Fact:
    return content.Fact(
        id=f"test-{kind}",
        label="A test fact",
        status=status,
        kind=kind,
        source="https://example.org/",
        verified=dt.date(2026, 1, 1),
        confidence="high",
        value=value,
    )


PHONE, EMAIL = fact("phone", "*1111"), fact("email", "help@example.org")
TEXT, UNKNOWN = fact("text", "6 months"), fact("phone", None, status="unknown")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app(app_config(tmp_path_factory.mktemp("pages")))


@pytest.fixture
def en(app):
    with app.test_request_context("/en/"), force_locale("en"):
        g.lang_code = "en"
        yield


@pytest.mark.parametrize(
    ("the_fact", "how", "html"),
    [
        # In running text: a link where the value is one, left to right where it is a number.
        (PHONE, {"in_text": True}, '<a class="fact" href="tel:*1111" dir="ltr">*1111</a>'),
        (
            EMAIL,
            {"in_text": True},
            '<a class="fact" href="mailto:help@example.org" dir="ltr">help@example.org</a>',
        ),
        (PHONE, {"in_text": True, "mention": True}, '<span class="fact" dir="ltr">*1111</span>'),
        (TEXT, {"in_text": True}, '<span class="fact">6 months</span>'),
        (UNKNOWN, {"in_text": True}, '<span class="fact fact--unknown">not known</span>'),
        # A facts list's entry: the same rules, its own class, a bold "Not known".
        (
            PHONE,
            {"cls": "fact-item__value"},
            '<a class="fact-item__value" href="tel:*1111" dir="ltr">*1111</a>',
        ),
        (TEXT, {"cls": "fact-item__value"}, '<span class="fact-item__value">6 months</span>'),
        (
            UNKNOWN,
            {"cls": "fact-item__value"},
            '<strong class="fact-item__value">Not known</strong>',
        ),
        # A key fact: no class, so a value in words stands bare.
        (PHONE, {}, '<a href="tel:*1111" dir="ltr">*1111</a>'),
        (TEXT, {}, "6 months"),
        (UNKNOWN, {}, "<strong>Not known</strong>"),
    ],
)
def test_fact_value(en, the_fact, how, html):
    cls = how.pop("cls", "fact" if how.get("in_text") else "")
    assert pages.fact_value(the_fact, cls, **how) == html


def test_fact_value_escapes_the_value(en):
    odd = fact("text", "<b>&</b>")
    assert pages.fact_value(odd) == "&lt;b&gt;&amp;&lt;/b&gt;"
    assert pages.fact_value(odd, "fact") == '<span class="fact">&lt;b&gt;&amp;&lt;/b&gt;</span>'


def test_an_unknown_fact_says_so_in_the_pages_language(app):
    with app.test_request_context("/ar/"), force_locale(i18n.LANGUAGES["ar"]):
        g.lang_code = "ar"
        in_text = pages.fact_value(UNKNOWN, "fact", in_text=True)
        entry = pages.fact_value(UNKNOWN, "fact-item__value")
    assert "not known" not in in_text and "Not known" not in entry
    assert in_text.startswith('<span class="fact fact--unknown">')


def test_fact_text_puts_each_fact_in_its_place(en):
    facts = pages.site_content().facts
    unknown = next(f for f in facts.values() if not f.known)
    phone = next(f for f in facts.values() if f.known and f.kind == "phone")
    text = (
        f"Call {{fact:{phone.id}}} (or {{fact:{phone.id}:text}}); the rest: {{fact:{unknown.id}}}."
    )
    assert pages.fact_text(text) == (
        f"Call {pages.fact_value(phone, 'fact', in_text=True)}"
        f" (or {pages.fact_value(phone, 'fact', in_text=True, mention=True)});"
        ' the rest: <span class="fact fact--unknown">not known</span>.'
    )
    assert pages.fact_text(None) == pages.fact_text("") == ""


def test_templates_draw_a_fact_value_only_through_fact_value():
    """The value's markup has one source: no template reads what only it should."""
    for path in TEMPLATES.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"\.(href|display_value|value)\b", source), path.name


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://www.azercell.com/en/help/", "azercell.com"),
        ("https://e-gov.az/", "e-gov.az"),
        ("http://WWW.Example.org:8080/x", "example.org"),
        ("not a url", "not a url"),
    ],
)
def test_source_host(url, host):
    assert pages.source_host(url) == host


def test_a_clerk_page_needs_its_operators_name(app):
    with app.app_context():
        c = pages.site_content()
        nameless = dataclasses.replace(c.operators["nar"], name=None)
        app.extensions["simexit_content"] = dataclasses.replace(
            c, operators={**c.operators, "nar": nameless}
        )
        try:
            with pytest.raises(LookupError, match="nar"):
                app.test_client().get("/en/nar/clerk/")
        finally:
            app.extensions["simexit_content"] = c
