"""Offline in WebKit: the service worker takes control, and after one visit every page of that
language opens without a network."""

from __future__ import annotations

import pytest
from browser.conftest import LANGUAGES

from webapp import i18n

from .conftest import (
    BROWSERS_OWN,
    assert_from_service_worker,
    save_offline,
    wait_controlled,
    wait_offline_ready,
)

pytestmark = [pytest.mark.browser, pytest.mark.webkit]

#: Every request URL in every Cache Storage cache of the origin, by cache name.
CACHED = """async () => {
    const result = {};
    for (const name of await caches.keys()) {
        result[name] = (await (await caches.open(name)).keys()).map((r) => r.url);
    }
    return result;
}"""


def test_the_service_worker_takes_control_and_saves_the_language(page, site):
    page.goto("/en/")
    wait_controlled(page)  # the first visit, without a reload (clients.claim())
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == (
        page.origin.url + "/sw.js"
    )
    wait_offline_ready(page)

    cached = {url.split("?")[0] for urls in page.evaluate(CACHED).values() for url in urls}
    expected = site.precache["shared"] + site.precache["langs"]["en"]
    assert {page.origin.url + e["url"] for e in expected} <= cached
    # Only the language seen; every language's small offline page is saved by every install.
    others = {url for url in cached if f"{page.origin.url}/ru/" in url}
    assert others == {f"{page.origin.url}/ru/offline/"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_of_the_language_opens_offline(page, site, lang):
    save_offline(page, f"/{lang}/")
    urls = site.page_urls(lang)
    assert len(urls) > 10
    for url in urls:
        page.goto(url)
        assert_from_service_worker(page, url)
        assert page.h1() == site.h1(url), url
        assert page.evaluate("document.documentElement.lang") == i18n.HTML_LANG[lang], url
    # Offline, only what the browser asks for by itself reached for the network: no page,
    # stylesheet, script or image of a page did.
    assert set(page.origin.asked_offline()) <= BROWSERS_OWN
