"""Languages, locale selection and the ``/<lang_code>/`` URL prefix.

A page's language comes from its URL only (``g.lang_code``), so a pre-rendered
page is the same for every visitor. ``Accept-Language`` is read in one place:
the bare ``/`` redirect (see ``pages.root``).
"""

from __future__ import annotations

import os

from flask import Flask, g, request
from flask_babel import Babel

from . import REPO_ROOT

#: URL code -> Babel locale identifier, in the order the language switcher shows them.
#: English is the source language; every other catalog must be complete.
LANGUAGES: dict[str, str] = {
    "en": "en",
    "az": "az",
    "ru": "ru",
    "zh-hans": "zh_Hans",
    "tr": "tr",
    "ar": "ar",
    "fa": "fa",
}
DEFAULT_LANG = "en"
#: Babel locale identifier -> URL code.
LANG_CODES: dict[str, str] = {locale: code for code, locale in LANGUAGES.items()}
#: Locales the API accepts for reminders (the Babel identifiers).
LOCALES: tuple[str, ...] = tuple(LANGUAGES.values())

#: Each language's own name, shown in the switcher (never translated).
NATIVE_NAMES: dict[str, str] = {
    "en": "English",
    "az": "Azərbaycanca",
    "ru": "Русский",
    "zh-hans": "简体中文",
    "tr": "Türkçe",
    "ar": "العربية",
    "fa": "فارسی",
}

#: BCP 47 tags for <html lang> and hreflang.
HTML_LANG: dict[str, str] = {
    "en": "en",
    "az": "az",
    "ru": "ru",
    "zh-hans": "zh-Hans",
    "tr": "tr",
    "ar": "ar",
    "fa": "fa",
}
#: Languages written right to left: their pages get ``dir="rtl"``.
RTL: frozenset[str] = frozenset({"ar", "fa"})


def text_direction(lang_code: str) -> str:
    """``"rtl"`` or ``"ltr"``, for ``<html dir>`` and the web app manifest."""
    return "rtl" if lang_code in RTL else "ltr"

TRANSLATIONS_DIR = os.path.join(REPO_ROOT, "translations")

babel = Babel()


def get_locale() -> str:
    """The one locale selector: the URL's language, else the default."""
    return LANGUAGES.get(g.get("lang_code", DEFAULT_LANG), LANGUAGES[DEFAULT_LANG])


def best_lang_code(accept_language=None) -> str:
    """The best URL language code for an ``Accept-Language`` (the request's by default).

    Tags are tried in the visitor's order of preference, each from most to least
    specific (``az-Latn-AZ``, ``az-Latn``, ``az``), so a preferred language we have
    beats a less preferred exact match.
    """
    accept = accept_language if accept_language is not None else request.accept_languages
    by_tag = {tag.lower(): code for code, tag in HTML_LANG.items()}
    # Simplified Chinese is the only Chinese we have: any zh tag is better served by it.
    by_tag.update({"zh": "zh-hans", "zh-cn": "zh-hans", "zh-sg": "zh-hans", "zh-tw": "zh-hans",
                   "zh-hk": "zh-hans", "zh-hant": "zh-hans"})
    for value, quality in accept:
        if quality <= 0:
            continue
        parts = value.lower().replace("_", "-").split("-")
        for end in range(len(parts), 0, -1):
            code = by_tag.get("-".join(parts[:end]))
            if code:
                return code
    return DEFAULT_LANG


def init_app(app: Flask) -> None:
    """Set up flask-babel with the top-level ``translations/`` folder."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", LANGUAGES[DEFAULT_LANG])
    # Absolute: flask-babel resolves relative paths against the app's root_path (webapp/).
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", TRANSLATIONS_DIR)
    babel.init_app(app, locale_selector=get_locale)
