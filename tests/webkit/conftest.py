"""WebKit fixtures: WebKitGTK through W3C WebDriver, under Xvfb, on a switchable loopback origin.

iPhone browsers are all WebKit, so the offline promises are checked in a second engine.

- ``webkit`` is one WebDriver session for the test session: Debian's ``WebKitWebDriver``
  (package ``webkit2gtk-driver``) starts WebKitGTK's MiniBrowser in automation mode, on an Xvfb
  display that the fixtures start (``-displayfd``: a free display number, no ``xvfb-run``).
  Selenium is given the driver's path, so Selenium Manager is never run (``SE_OFFLINE`` too).
  An automation session keeps its data in memory only, and service workers work there.
  MiniBrowser (WebKitGTK's 4.1 API) turns the bubblewrap sandbox on only when given
  ``--enable-sandbox``, so it runs as root without ``WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS``
  (with ``--enable-sandbox`` it ran as root here too, but needs bwrap and user namespaces).
- ``origin`` is the built site (``site``, as ``tests/browser`` builds it) on a new loopback port
  for every test. A new port is a new origin, with no service worker, caches or storage of its
  own: the fresh Playwright context of ``tests/browser``, without a browser start (about 3 s)
  per test.
- W3C WebDriver has no network conditions, so ``origin.offline()`` cuts the network at the
  server: each connection is read up to its request line, which is logged, then closed without
  an answer; to the browser (and its service worker) the origin is unreachable, as with no
  signal. The log shows what a page did not come from: a page that opens offline, is controlled
  by the service worker and was never asked of the server came from the service worker's cache.
- ``page`` drives the session through the few Playwright verbs the Chromium tests use
  (``goto``, ``reload``, ``evaluate``, ``wait_for_function``), so their checks can be shared.

Without WebKitWebDriver, MiniBrowser, Xvfb or selenium these tests are skipped with the reason,
except in CI (``CI=true``), where that fails them. Every module here sets
``pytestmark = [pytest.mark.browser, pytest.mark.webkit]``: ``pytest -m webkit`` runs them alone.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import threading
import warnings
from wsgiref.simple_server import make_server

import pytest
from browser.conftest import QuietHandler, Site, ThreadingWSGIServer, first_h1, site_config

from webapp import create_app

WEBKIT_DRIVER = os.environ.get("SIMEXIT_WEBKIT_DRIVER", "/usr/bin/WebKitWebDriver")
MINIBROWSER = os.environ.get(
    "SIMEXIT_MINIBROWSER", "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
)
XVFB = shutil.which("Xvfb") or "/usr/bin/Xvfb"
#: What WebKit asks of the network by itself, even for a page its service worker serves: the
#: service worker script's update check (which bypasses the worker by design) and the tab's icon
#: (loaded for the browser's own interface, outside the page and so outside its worker).
BROWSERS_OWN = frozenset({"/sw.js", "/favicon.ico"})
#: Upper bound (seconds) for anything the service worker does (install, precache, activate).
SW_TIMEOUT = 20
#: Selenium Manager (a driver and browser downloader) must never run: nothing is fetched.
os.environ.setdefault("SE_OFFLINE", "true")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1")  # as tests/conftest.py


def missing() -> list[str]:
    """What this machine lacks to run WebKit, with where it comes from."""
    lacks = []
    for path, package in (
        (WEBKIT_DRIVER, "webkit2gtk-driver"),
        (MINIBROWSER, "libwebkit2gtk-4.1-0"),
        (XVFB, "xvfb"),
    ):
        if not os.access(path, os.X_OK):
            lacks.append(f"{path} (Debian package {package})")
    if importlib.util.find_spec("selenium") is None:
        lacks.append("the selenium package (pip install -e '.[test]')")
    return lacks


# -- display and browser -----------------------------------------------------------------


@pytest.fixture(scope="session")
def webkit_available():
    """Nothing, or a skip with the reason; in CI a missing part fails the test."""
    lacks = missing()
    if lacks:
        reason = "WebKit: missing " + ", ".join(lacks) + " (scripts/test.sh installs them)"
        if in_ci():
            pytest.fail(reason)  # CI must not pass with the second engine silently skipped
        pytest.skip(reason)


@pytest.fixture(scope="session")
def xvfb(webkit_available):
    """A private X display (``:N``) for the test session; no window manager is needed."""
    read, write = os.pipe()
    server = subprocess.Popen(
        [XVFB, "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as f:
        number = f.readline().strip()  # written once the display accepts clients
    if not number:
        server.kill()
        pytest.fail(f"{XVFB} did not start (exit status {server.wait()})")
    yield f":{number}"
    server.terminate()
    server.wait()


@pytest.fixture(scope="session")
def webkit(xvfb, tmp_path_factory):
    """One WebKitGTK WebDriver session (MiniBrowser) for the whole test session."""
    from selenium import webdriver
    from selenium.webdriver.webkitgtk.options import Options
    from selenium.webdriver.webkitgtk.service import Service

    options = Options()
    options.binary_location = MINIBROWSER
    options.add_argument("--automation")
    log = tmp_path_factory.mktemp("webkit") / "WebKitWebDriver.log"
    service = Service(
        executable_path=WEBKIT_DRIVER, env={**os.environ, "DISPLAY": xvfb}, log_output=str(log)
    )
    with warnings.catch_warnings():
        # Selenium's own WebKitGTK class still hands its driver's URL to RemoteConnection the
        # old way (selenium 4.51); that is not ours to fix, and nothing else is let through.
        warnings.filterwarnings(
            "ignore", "setting remote_server_addr in RemoteConnection", DeprecationWarning
        )
        driver = webdriver.WebKitGTK(options=options, service=service)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(SW_TIMEOUT)
    yield driver
    driver.quit()


# -- the built site on a switchable origin -----------------------------------------------


class SwitchableHandler(QuietHandler):
    """Logs every request line; while the origin is offline, hangs up without an answer."""

    def parse_request(self):
        if not super().parse_request():
            return False
        online = self.server.online
        self.server.requests.append((self.path, online))
        return online  # False: WSGIRequestHandler.handle() returns, the connection is closed


class Origin:
    """A built site served over real HTTP on ``127.0.0.1:<new free port>``, with a switch."""

    def __init__(self, app):
        self.server = make_server(
            "127.0.0.1", 0, app, server_class=ThreadingWSGIServer, handler_class=SwitchableHandler
        )
        self.server.online, self.server.requests = True, []
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def offline(self) -> None:
        """Cut the network: from now on every request fails as an unreachable server's."""
        self.server.online = False

    def asked_offline(self) -> list[str]:
        """What the browser asked for while the network was cut (path and query; none was
        answered)."""
        return [path for path, online in self.server.requests if not online]

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The app as a deploy runs it: it builds its site on start-up, then serves it."""
    return Site(create_app(site_config(tmp_path_factory.mktemp("site"))))


@pytest.fixture
def origin(site):
    server = Origin(site.app)
    yield server
    server.close()


# -- the page ----------------------------------------------------------------------------

#: A Playwright-style function expression (``() => …``, ``async (x) => …``, ``function …``).
FUNCTION = re.compile(r"^\s*(async\s+)?(function\b|(\([^)]*\)|[\w$]+)\s*=>)")


class Page:
    """The WebDriver session on one origin, through the Playwright verbs of ``tests/browser``."""

    def __init__(self, driver, origin: Origin):
        self.driver, self.origin = driver, origin

    def goto(self, path: str) -> None:
        """Open ``path`` of the origin and wait for its load event (WebDriver's "normal")."""
        self.driver.get(self.origin.url + path)

    def reload(self) -> None:
        self.driver.refresh()

    @property
    def url(self) -> str:
        return self.driver.current_url

    def evaluate(self, expression: str, arg=None):
        """``expression``'s value, or a function's called with ``arg``; promises are awaited
        (W3C WebDriver's Execute Script waits for them)."""
        if FUNCTION.match(expression):
            call = "()" if arg is None else "(arguments[0])"
            return self.driver.execute_script(f"return ({expression}){call};", arg)
        return self.driver.execute_script(f"return ({expression});")

    def wait_for_function(self, expression: str, arg=None, timeout: float = SW_TIMEOUT) -> None:
        """Wait until ``expression`` (a function, as Playwright's) returns something truthy."""
        from selenium.webdriver.support.wait import WebDriverWait

        WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(
            lambda _: self.evaluate(expression, arg),
            f"not true within {timeout} s on {self.url}: {expression}",
        )

    def locate(self, selector: str):
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def h1(self) -> str:
        return first_h1(self.evaluate("document.documentElement.outerHTML"))


@pytest.fixture
def page(webkit, origin):
    """The shared WebKit session on this test's own fresh origin."""
    yield Page(webkit, origin)
    webkit.get("about:blank")  # leave the origin before its server goes away


# -- helpers -----------------------------------------------------------------------------


def wait_controlled(page: Page) -> None:
    """Wait until a service worker controls the page."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def wait_offline_ready(page: Page) -> None:
    """Wait until the page says its language is saved for offline use; if it never does, fail
    with what the page says instead and what the server was asked."""
    from selenium.common.exceptions import TimeoutException

    try:
        page.wait_for_function("() => document.documentElement.dataset.offline === 'ready'")
    except TimeoutException:
        status = page.evaluate(
            "(document.querySelector('[data-module=offline-status]') || {}).textContent"
        )
        pytest.fail(
            f"{page.url}: not saved for offline use within {SW_TIMEOUT} s; the page "
            f"says {status!r}; the server was asked {page.origin.server.requests}"
        )


def save_offline(page: Page, path: str) -> None:
    """Open ``path``, wait until its language is saved on the device, then cut the network."""
    page.goto(path)
    wait_controlled(page)
    wait_offline_ready(page)
    page.origin.offline()


def assert_from_service_worker(page: Page, path: str) -> None:
    """The page on screen is ``path`` and came from the service worker's cache: the network is
    cut and the server was never asked for it, and a service worker controls the page."""
    assert page.url == page.origin.url + path or page.url.startswith(
        page.origin.url + path + "#"
    ), page.url
    asked = [target.split("?")[0] for target in page.origin.asked_offline()]
    assert path not in asked, f"{path} was asked of the network"
    assert page.evaluate("navigator.serviceWorker.controller !== null"), path
