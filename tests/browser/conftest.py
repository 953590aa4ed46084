"""Real-browser fixtures: a live server on a loopback port and headless Chromium.

- ``live_server`` serves a built site over real HTTP, the way WhiteNoise's own tests do
  (``tests/utils.py::AppServer``), but threaded: a browser opens several connections at
  once. Its WSGI app can be swapped (``live_server.serving(app)``) so a test can publish
  a second build to the same origin, as a deploy would.
- ``browser`` is Debian's Chromium (Playwright cannot download its own browsers here),
  started as ``tests/chromium.py`` says.
- ``context``/``page`` are fresh for every test: a new browser context starts with no
  service worker, caches or storage, the "clean SW" reset of Workbox's tests.

Every module here sets ``pytestmark = pytest.mark.browser``: ``pytest -m "not browser"``
runs the fast layer alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
from html.parser import HTMLParser
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import chromium
import pytest

from webapp import create_app, i18n

#: Upper bound for anything the service worker does (install, precache, activate).
SW_TIMEOUT_MS = 20_000
LANGUAGES = tuple(i18n.LANGUAGES)


# -- live server ------------------------------------------------------------------------


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature is the base class's
        pass


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 128  # socketserver's 5 can overflow when a service worker precaches

    def handle_error(self, request, client_address):
        # A browser that drops a connection (navigation, context closed) is not an error.
        pass


class Dispatcher:
    """A WSGI app that forwards to whichever app is current (swapped by a test)."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


class LiveServer:
    """A threaded WSGI server on ``127.0.0.1:<free port>`` in a daemon thread."""

    def __init__(self, app):
        self.dispatcher = Dispatcher(app)
        self.server = make_server(
            "127.0.0.1",
            0,
            self.dispatcher,
            server_class=ThreadingWSGIServer,
            handler_class=QuietHandler,
        )
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @contextlib.contextmanager
    def serving(self, app):
        """Serve ``app`` instead of the current one until the block ends."""
        previous, self.dispatcher.app = self.dispatcher.app, app
        try:
            yield self
        finally:
            self.dispatcher.app = previous

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


# -- the built site ----------------------------------------------------------------------


class Site:
    """A built site: its app, its folder, and the precache list its ``sw.js`` carries."""

    def __init__(self, app):
        self.app = app
        self.dir = app.config["BUILD_DIR"]
        with open(os.path.join(self.dir, "sw.js"), encoding="utf-8") as f:
            first = f.readline()
        self.precache = json.loads(re.match(r"self\.SIMEXIT_PRECACHE = (.*);$", first).group(1))

    def page_urls(self, lang_code: str) -> list[str]:
        """Every page of one language, as the service worker's precache list has them."""
        return [e["url"] for e in self.precache["langs"][lang_code] if e["url"].endswith("/")]

    def html(self, url: str) -> str:
        path = os.path.join(self.dir, *url.strip("/").split("/"))
        if url.endswith("/"):
            path = os.path.join(path, "index.html")
        with open(path, encoding="utf-8") as f:
            return f.read()

    def h1(self, url: str) -> str:
        return first_h1(self.html(url))

    def asset_urls(self, url: str = "/en/") -> dict[str, str]:
        """The hashed stylesheet and script URLs a page of this build links to."""
        html = self.html(url)
        return {
            "css": re.search(r'href="(/assets/app\.[0-9a-f]{12}\.css)"', html).group(1),
            "js": re.search(r'src="(/assets/app\.[0-9a-f]{12}\.js)"', html).group(1),
        }


def site_config(tmp, **overrides) -> dict:
    config = {
        "TESTING": True,
        "BUILD_DIR": str(tmp / "build"),
        "BUILD_ON_START": True,
        "INSTANCE_PATH": str(tmp / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp / 'simexit.sqlite3'}",
    }
    config.update(overrides)
    return config


class _H1(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth, self.text, self.done = 0, [], False

    def handle_starttag(self, tag, attrs):
        if tag == "h1" and not self.done:
            self.depth = 1
        elif self.depth:
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
            self.done = self.done or self.depth == 0

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)


def normalise(text: str) -> str:
    return " ".join(text.split())


def first_h1(html: str) -> str:
    """The text of the first ``<h1>`` of an HTML document, whitespace normalised."""
    parser = _H1()
    parser.feed(html)
    return normalise("".join(parser.text))


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The app as a deploy runs it: it builds its site on start-up, then serves it."""
    return Site(create_app(site_config(tmp_path_factory.mktemp("site"))))


@pytest.fixture(scope="session")
def live_server(site):
    server = LiveServer(site.app)
    yield server
    server.close()


# -- browser -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright):
    browser = chromium.launch(playwright)
    yield browser
    browser.close()


@pytest.fixture
def new_context(browser, live_server):
    """Make a fresh browser context (no service worker, caches or storage) on the live server."""
    contexts = []

    def make(**options):
        options.setdefault("base_url", live_server.url)
        context = browser.new_context(**options)
        context.set_default_timeout(SW_TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


# -- helpers -----------------------------------------------------------------------------


def wait_controlled(page, timeout: int = SW_TIMEOUT_MS) -> None:
    """Wait until a service worker controls the page."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=timeout)


def open_form(page, path: str) -> None:
    """Open a page at its form, as a reminder's link does (``#remind``), and wait until the day
    is a date field with limits."""
    page.goto(path + "#remind")
    page.wait_for_selector(
        "[data-module=remind][data-remind-init]:not([hidden])", state="attached"
    )
    page.wait_for_function("() => document.querySelector('[data-remind-date]').min !== ''")


def wait_offline_ready(page, timeout: int = SW_TIMEOUT_MS) -> None:
    """Wait until the page says its language is saved for offline use."""
    page.wait_for_selector("html[data-offline=ready]", state="attached", timeout=timeout)


def cached_urls(page) -> dict[str, list[str]]:
    """Every request URL in every Cache Storage cache of the origin, by cache name."""
    return page.evaluate("""async () => {
        const result = {};
        for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            result[name] = (await cache.keys()).map((r) => r.url);
        }
        return result;
    }""")


def save_offline(page, context, url: str) -> None:
    """Open ``url``, wait until its language is saved on the device, then cut the network."""
    page.goto(url)
    wait_controlled(page)
    wait_offline_ready(page)
    context.set_offline(True)
