"""Take the web app manifest's narrow screenshot: static/icons/screenshot-narrow.png.

Builds the site into a temporary folder, serves it on a loopback port, and photographs
``/en/azercell/`` in headless Chromium at 540x1170 CSS px (the size the manifest
declares), light colour scheme, device scale factor 1. Run it by hand after a visible
design change, then rebuild (the screenshot is an asset: its hashed name changes too)::

    python scripts/make_screenshot.py [--url /en/azercell/] [--out FILE.png]

Needs Playwright (the ``test`` extra) and Debian's ``chromium`` (``SIMEXIT_CHROMIUM``
names another binary), started as ``tests/chromium.py`` says; Playwright's own browser
download is not used.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [REPO_ROOT, os.path.join(REPO_ROOT, "tests")]  # tests/chromium.py

# After the path set-up, for a plain checkout.
import chromium  # noqa: E402

from webapp import create_app  # noqa: E402

#: The manifest's screenshot entry says "540x1170" (webapp/build.py::web_manifest).
WIDTH, HEIGHT = 540, 1170
DEFAULT_OUT = os.path.join(REPO_ROOT, "static", "icons", "screenshot-narrow.png")


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def screenshot(url_path: str, out: str) -> None:
    """Build, serve and photograph one page into ``out``."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="simexit-screenshot-") as tmp:
        app = create_app(
            {
                "TESTING": True,
                "BUILD_DIR": os.path.join(tmp, "build"),
                "BUILD_ON_START": True,
                "INSTANCE_PATH": os.path.join(tmp, "instance"),
                "DATABASE_URL": f"sqlite:///{os.path.join(tmp, 'simexit.sqlite3')}",
            }
        )
        server = make_server(
            "127.0.0.1", 0, app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
        )
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            with sync_playwright() as p:
                browser = chromium.launch(p, "--hide-scrollbars")
                try:
                    context = browser.new_context(
                        viewport={"width": WIDTH, "height": HEIGHT},
                        device_scale_factor=1,
                        color_scheme="light",
                        reduced_motion="reduce",
                        locale="en-GB",
                    )
                    page = context.new_page()
                    page.goto(f"http://127.0.0.1:{server.server_port}{url_path}")
                    # The page as a returning visitor sees it: saved for offline use.
                    page.wait_for_selector(
                        "html[data-offline=ready]", state="attached", timeout=20_000
                    )
                    page.evaluate("document.fonts.ready.then(() => true)")
                    page.screenshot(path=out, full_page=False)
                    context.close()
                finally:
                    browser.close()
        finally:
            server.shutdown()
            server.server_close()
            thread.join(5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="/en/azercell/", help="page to photograph")
    parser.add_argument("--out", default=DEFAULT_OUT, help="PNG file to write")
    args = parser.parse_args(argv)
    screenshot(args.url, args.out)
    print(f"{args.out}: {WIDTH}x{HEIGHT} screenshot of {args.url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
