"""Languages, locale selection and the ``/<lang_code>/`` URL prefix.

A page's language comes from its URL only (``g.lang_code``), so a pre-rendered
page is the same for every visitor. ``Accept-Language`` is read in one place:
the bare ``/`` redirect (see ``pages.root``).
"""

from __future__ import annotations

import os

from babel import Locale
from flask import Flask, g, request
from flask_babel import Babel
from werkzeug.datastructures import LanguageAccept

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

#: ``Accept-Language`` tags (lower case) that are best served by a language we have under
#: another tag. Simplified Chinese is the only Chinese we have: any zh tag is better served
#: by it than by English. Dari (``prs``, Afghanistan's Persian; browsers there mostly send
#: ``fa-AF``, which ``fa`` already covers) and Iranian Persian by its ISO 639-3 code
#: (``pes``) are written Persian in the same script and read our Persian pages with ease:
#: the differences are of vocabulary, not of understanding, and English is further away.
TAG_ALIASES: dict[str, str] = {
    "zh": "zh-hans",
    "zh-cn": "zh-hans",
    "zh-sg": "zh-hans",
    "zh-tw": "zh-hans",
    "zh-hk": "zh-hans",
    "zh-hant": "zh-hans",
    "prs": "fa",
    "pes": "fa",
}

#: Digits 0-9 of the CLDR numbering systems our languages use (Babel's
#: ``Locale.default_numbering_system``): Latin, Arabic-Indic, Extended Arabic-Indic (Persian).
NUMBERING_DIGITS: dict[str, str] = {
    "latn": "0123456789",
    "arab": "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669",
    "arabext": "\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9",
}


def text_direction(lang_code: str) -> str:
    """``"rtl"`` or ``"ltr"``, for ``<html dir>``, the web app manifest and notifications."""
    return "rtl" if lang_code in RTL else "ltr"


def numbering_system(lang_code: str) -> str:
    """The language's own digits, as CLDR has them (Babel): ``latn`` for every language we
    have but Persian (``arabext``: ۰۱۲۳…). Arabic is ``latn`` since CLDR 42, as our Arabic
    glossary writes numbers; Arabic-Indic digits (``arab``) are the default of ar-EG, ar-SA
    and some other regions only."""
    return Locale.parse(LANGUAGES[lang_code]).default_numbering_system


def native_digits(text: str, lang_code: str) -> str:
    """``text`` with its Latin digits in the language's own digits (dates Babel formatted:
    Babel writes every date with Latin digits, whatever the language)."""
    digits = NUMBERING_DIGITS[numbering_system(lang_code)]
    return text.translate(str.maketrans("0123456789", digits)) if digits[0] != "0" else text


def date_locale(lang_code: str) -> str:
    """The BCP 47 tag the device formats dates with (``Intl.DateTimeFormat``), so that its dates
    agree with the server's (Babel's): the Gregorian calendar and the language's own digits,
    both spelt out rather than left to the device's defaults. Persian devices default to the
    Solar Hijri calendar, which Babel cannot write; the date field, the operators' papers and
    Azerbaijan's public holidays are Gregorian, and the Persian names of the Gregorian months
    are what Iranians abroad read every day. A device with an older ICU might still give
    Arabic-Indic digits for plain ``ar``: ``-nu-`` rules that out."""
    return f"{HTML_LANG[lang_code]}-u-ca-gregory-nu-{numbering_system(lang_code)}"


TRANSLATIONS_DIR = os.path.join(REPO_ROOT, "translations")

babel = Babel()


def get_locale() -> str:
    """The one locale selector: the URL's language, else the default."""
    return LANGUAGES.get(g.get("lang_code", DEFAULT_LANG), LANGUAGES[DEFAULT_LANG])


def best_lang_code(accept_language: LanguageAccept | None = None) -> str:
    """The best URL language code for an ``Accept-Language`` (the request's by default).

    Tags are tried in the visitor's order of preference, each from most to least
    specific (``az-Latn-AZ``, ``az-Latn``, ``az``), so a preferred language we have
    beats a less preferred exact match: every ``ar-XX`` is Arabic, ``fa-IR`` and ``fa-AF``
    are Persian, and :data:`TAG_ALIASES` names the tags we serve under another one.
    """
    accept = accept_language if accept_language is not None else request.accept_languages
    by_tag = {tag.lower(): code for code, tag in HTML_LANG.items()} | TAG_ALIASES
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
