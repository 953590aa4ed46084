"""Languages: complete catalogs, fresh against the sources, the locale taken from the URL."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po
from flask import g
from flask_babel import force_locale, gettext

from webapp import catalogs, i18n

PLACEHOLDER_RE = re.compile(r"\{fact:[a-z0-9-]+(?::text)?\}|%\([a-z_]+\)[sd]")


def load(path):
    with open(path, "rb") as f:
        return read_po(f)


@pytest.fixture(scope="module")
def fresh_pot(tmp_path_factory):
    """messages.pot extracted now from the code, templates and content."""
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract",
                    *catalogs.EXTRACT_ARGS, "-o", str(out), "."], check=True, cwd=catalogs.REPO_ROOT,
                   capture_output=True)
    return load(out)


def ids(catalog):
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def test_every_language_but_english_has_a_catalog():
    assert set(catalogs.CATALOG_LOCALES) == set(i18n.LANGUAGES.values()) - {"en"}
    for locale in catalogs.CATALOG_LOCALES:
        load(catalogs.po_path(locale))


def test_committed_template_is_fresh(fresh_pot):
    assert ids(load(catalogs.POT_FILE)) == ids(fresh_pot), "run: flask --app webapp translate update"


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
            assert found <= wanted | set(PLACEHOLDER_RE.findall(
                message.id[1] if isinstance(message.id, tuple) else source)), (source, string)
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
