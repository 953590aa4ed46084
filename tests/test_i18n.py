"""Languages: complete catalogs, fresh against the sources, the locale taken from the URL."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po
from flask import g
from flask_babel import force_locale, gettext
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from webapp import catalogs, headers, i18n

PLACEHOLDER_RE = re.compile(r"\{fact:[a-z0-9-]+(?::text)?\}|%\([a-z_]+\)[sd]")


def load(path):
    with open(path, "rb") as f:
        return read_po(f)


@pytest.fixture(scope="module")
def fresh_pot(tmp_path_factory):
    """messages.pot extracted now from the code, templates and content."""
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            *catalogs.EXTRACT_ARGS,
            "-o",
            str(out),
            ".",
        ],
        check=True,
        cwd=catalogs.REPO_ROOT,
        capture_output=True,
    )
    return load(out)


def ids(catalog):
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def test_every_language_but_english_has_a_catalog():
    assert set(catalogs.CATALOG_LOCALES) == set(i18n.LANGUAGES.values()) - {"en"}
    for locale in catalogs.CATALOG_LOCALES:
        load(catalogs.po_path(locale))


def test_committed_template_is_fresh(fresh_pot):
    assert ids(load(catalogs.POT_FILE)) == ids(fresh_pot), (
        "run: flask --app webapp translate update"
    )


@pytest.mark.parametrize("locale", catalogs.CATALOG_LOCALES)
def test_catalog_is_complete_and_fresh(fresh_pot, locale):
    catalog = load(catalogs.po_path(locale))
    assert ids(catalog) == ids(fresh_pot), "catalog is stale: flask --app webapp translate update"
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, f"fuzzy: {message.id!r}"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(s.strip() for s in strings), f"untranslated: {message.id!r}"


@pytest.mark.parametrize("locale", catalogs.CATALOG_LOCALES)
def test_translations_keep_every_placeholder(locale):
    for message in load(catalogs.po_path(locale)):
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER_RE.findall(source))
        for string in strings:
            found = set(PLACEHOLDER_RE.findall(string))
            # A plural form may leave out the count (e.g. Chinese), never add or rename one.
            assert found <= wanted | set(
                PLACEHOLDER_RE.findall(message.id[1] if isinstance(message.id, tuple) else source)
            ), (source, string)
            if isinstance(message.id, str):
                assert found == wanted, (source, string)


def test_locale_comes_from_the_url(app):
    with app.test_request_context("/zh-hans/"):
        g.lang_code = "zh-hans"
        assert i18n.get_locale() == "zh_Hans"
    with app.test_request_context("/"):
        assert i18n.get_locale() == "en"


def test_force_locale_renders_another_language(app):
    catalogs.compile_all()
    with app.test_request_context("/"):
        assert gettext("Reload") == "Reload"
        with force_locale("zh_Hans"):
            assert gettext("Reload") != "Reload"


@pytest.mark.parametrize(
    ("accept", "code"),
    [
        ("tr-TR,tr;q=0.9,en;q=0.5", "tr"),
        ("tr", "tr"),
        ("ar", "ar"),
        ("ar-EG", "ar"),  # every Arabic-speaking region reads the one Arabic we have
        ("ar-SA,ar;q=0.9", "ar"),
        ("ar-MA,fr;q=0.8", "ar"),
        ("ar-001", "ar"),
        ("fa-IR,fa;q=0.9,en;q=0.8", "fa"),
        ("fa", "fa"),
        ("fa-AF", "fa"),
        ("prs-AF,prs;q=0.9", "fa"),  # Dari: written Persian, in the same script
        ("pes", "fa"),
        ("de-DE,ar;q=0.8,en;q=0.5", "ar"),  # the first language we have wins
        ("en-US,ar;q=0.8", "en"),
        ("ru;q=0.5,fa;q=0.9", "fa"),  # by quality, not by the order written
        ("ar;q=0", "en"),  # refused
        ("ur-PK", "en"),  # another language in the same script is not Persian or Arabic
        ("tg", "en"),  # Tajik is Persian in Cyrillic script: our Persian pages would not help
    ],
)
def test_accept_language_finds_turkish_arabic_and_persian(accept, code):
    assert i18n.best_lang_code(parse_accept_header(accept, LanguageAccept)) == code


def test_every_alias_names_a_language_we_have():
    assert set(i18n.TAG_ALIASES.values()) <= set(i18n.LANGUAGES)
    assert not set(i18n.TAG_ALIASES) & {tag.lower() for tag in i18n.HTML_LANG.values()}


def test_static_hosts_redirect_every_language():
    """``_redirects`` names every language, Persian with Dari, then the default for the rest."""
    lines = headers.static_host_redirects().splitlines()
    assert lines[-1] == "/  /en/  302"
    by_code = {line.split()[1].strip("/"): line.split()[3] for line in lines[:-1]}
    assert set(by_code) == set(i18n.LANGUAGES) - {i18n.DEFAULT_LANG}
    assert by_code["ar"] == "Language=ar" and by_code["tr"] == "Language=tr"
    assert by_code["fa"] == "Language=fa,prs,pes" and by_code["zh-hans"] == "Language=zh"


@pytest.mark.parametrize("code", i18n.LANGUAGES)
def test_right_to_left_languages_are_arabic_and_persian(code):
    assert i18n.text_direction(code) == ("rtl" if code in {"ar", "fa"} else "ltr")


@pytest.mark.parametrize("code", i18n.LANGUAGES)
def test_each_language_has_its_digits_and_a_gregorian_date_locale(code):
    system = i18n.numbering_system(code)
    assert system in i18n.NUMBERING_DIGITS
    assert i18n.date_locale(code) == f"{i18n.HTML_LANG[code]}-u-ca-gregory-nu-{system}"


def test_persian_dates_have_persian_digits_and_arabic_dates_latin_ones():
    """What CLDR (Babel) gives as each language's own digits, which the glossaries follow."""
    assert i18n.numbering_system("fa") == "arabext"
    assert i18n.numbering_system("ar") == "latn"
    assert i18n.native_digits("1 ژوئن 2024", "fa") == "۱ ژوئن ۲۰۲۴"
    assert i18n.native_digits("1 يونيو 2024", "ar") == "1 يونيو 2024"


def test_chinese_never_breaks_a_line_inside_sim_ka():
    """translations/zh_Hans/glossary.md: "SIM 卡" and "eSIM 配置文件" are held together by a
    no-break space (U+00A0), so a narrow screen never puts "卡" at the start of a line."""
    broken = []
    for message in load(catalogs.po_path("zh_Hans")):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        broken += [s for s in strings if re.search(r"SIM[ \t](?:卡|配置文件)", s)]
    assert broken == []
