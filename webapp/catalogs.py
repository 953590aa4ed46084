"""The gettext workflow: extract, update, compile and check the catalogs.

``translations/messages.pot`` and the ``.po`` files are sources (committed);
``.mo`` files are build output. ``flask translate`` wraps pybabel with one set
of options shared by every sub-command.
"""

from __future__ import annotations

import os
import subprocess
import sys

import click
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask

from . import REPO_ROOT
from .i18n import LANGUAGES, TRANSLATIONS_DIR

POT_FILE = os.path.join(TRANSLATIONS_DIR, "messages.pot")
EXTRACT_ARGS = [
    "-F",
    os.path.join(REPO_ROOT, "babel.cfg"),
    "-k",
    "_l",
    "-k",
    "lazy_gettext",
    "-k",
    "fact_text",
    "-k",
    "N_",
    "--add-comments=TRANSLATORS:",
    "--add-location=file",
    "--sort-by-file",
    "--project=SIM Exit",
    "--copyright-holder=SIM Exit",
    "--no-wrap",
]
#: Locales with a catalog: every language except the source language.
CATALOG_LOCALES = tuple(locale for locale in LANGUAGES.values() if locale != "en")


def po_path(locale: str) -> str:
    return os.path.join(TRANSLATIONS_DIR, locale, "LC_MESSAGES", "messages.po")


def compile_all() -> list[str]:
    """Compile every ``.po`` into its ``.mo`` (fuzzy entries excluded); return the paths."""
    written = []
    for locale in CATALOG_LOCALES:
        po = po_path(locale)
        if not os.path.exists(po):
            continue
        with open(po, "rb") as f:
            catalog = read_po(f, locale=locale)
        mo = po[:-3] + ".mo"
        with open(mo, "wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        written.append(mo)
    return written


def pybabel(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=REPO_ROOT
    )


@click.group("translate")
def translate() -> None:
    """Translation and localisation commands."""


@translate.command()
def extract() -> None:
    """Extract every string of the code, templates and content into messages.pot."""
    pybabel("extract", *EXTRACT_ARGS, "-o", POT_FILE, ".")


@translate.command()
def update() -> None:
    """Extract, then merge messages.pot into every catalog."""
    pybabel("extract", *EXTRACT_ARGS, "-o", POT_FILE, ".")
    pybabel(
        "update", "-i", POT_FILE, "-d", TRANSLATIONS_DIR, "--no-wrap", "--ignore-pot-creation-date"
    )


@translate.command()
@click.argument("locale")
def init(locale: str) -> None:
    """Start a catalog for a new language."""
    pybabel("init", "-i", POT_FILE, "-d", TRANSLATIONS_DIR, "-l", locale, "--no-wrap")


@translate.command("compile")
def compile_command() -> None:
    """Compile every catalog into .mo files."""
    for path in compile_all():
        click.echo(os.path.relpath(path, REPO_ROOT))


def init_app(app: Flask) -> None:
    app.cli.add_command(translate)
