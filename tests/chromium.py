"""Debian's Chromium through Playwright: the one place that says how it is started.

Playwright cannot download its own browsers here, so the browser tests (``tests/browser``),
``bench/bench_scroll.py`` and ``scripts/make_screenshot.py`` all start the ``chromium`` Debian
installs (``SIMEXIT_CHROMIUM`` names another binary), headless, with the same switches.
"""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("SIMEXIT_CHROMIUM", "/usr/bin/chromium")
#: No sandbox (containers, root), no GPU, nothing fetched in the background, no QUIC.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def launch(playwright, *args: str):
    """A headless Chromium (a Playwright ``Browser``) with ``CHROMIUM_ARGS`` and ``args``.

    :param playwright: what ``sync_playwright()`` yields.
    """
    return playwright.chromium.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *args], headless=True
    )
