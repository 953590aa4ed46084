"""Offline: after one visit, every page of that language opens without a network."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest

from webapp import pages
from webapp.content import OPERATORS

from .conftest import LANGUAGES, normalise, wait_controlled, wait_offline_ready

pytestmark = pytest.mark.browser


def test_precache_lists_every_page(site):
    """The service worker saves exactly the pages the build renders, in every language."""
    for lang in LANGUAGES:
        with site.app.test_request_context(f"/{lang}/"):
            expected = pages.page_urls(lang)
        assert site.page_urls(lang) == expected


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_of_the_language_opens_offline(page, context, site, lang):
    page.goto(f"/{lang}/")
    wait_controlled(page)
    wait_offline_ready(page)

    context.set_offline(True)
    for url in site.page_urls(lang):
        response = page.goto(url)
        assert response is not None and response.ok, url
        assert response.from_service_worker, url
        assert normalise(page.locator("h1").first.text_content()) == site.h1(url), url
        assert page.evaluate("document.documentElement.lang") == pages.i18n.HTML_LANG[lang]
        if url.rstrip("/").rsplit("/", 1)[-1] in OPERATORS:
            # Where to go, and the short way to it, are there offline too.
            assert page.locator(".short-way a[href='#where-to-go']").is_visible(), url
            assert page.locator("#where-to-go .step__title").is_visible(), url
            assert page.locator("#where-to-go .fact-item").count() >= 2, url


def offline_hint(site, lang: str) -> str:
    """The offline page's line on saving a language, as the build wrote it in ``lang``."""
    html = site.html(f"/{lang}/offline/")
    return normalise(
        unescape(re.search(r'<p class="offline-hint">(.*?)</p>', html, re.S).group(1))
    )


def assert_offline_page(page, site, lang: str) -> None:
    """The page shows ``lang``'s own offline page, with its line on saving the language."""
    assert normalise(page.locator("h1").first.text_content()) == site.h1(f"/{lang}/offline/")
    assert page.evaluate("document.documentElement.lang") == pages.i18n.HTML_LANG[lang]
    hint = page.locator(".offline-hint")
    assert hint.is_visible()
    assert normalise(hint.text_content()) == offline_hint(site, lang)


def test_a_language_not_saved_shows_its_own_offline_page(page, context, site):
    """Every install saves each language's offline page, so the answer is in the language
    asked for."""
    page.goto("/en/azercell/")
    wait_controlled(page)
    wait_offline_ready(page)

    context.set_offline(True)
    for lang in (lang for lang in LANGUAGES if lang != "en"):
        for url in (f"/{lang}/azercell/", f"/{lang}/"):
            response = page.goto(url)
            assert response is not None and response.ok and response.from_service_worker, url
            assert_offline_page(page, site, lang)

    response = page.goto("/en/bakcell/")  # a saved page still opens as itself
    assert response is not None and response.ok and response.from_service_worker
    assert normalise(page.locator("h1").first.text_content()) == site.h1("/en/bakcell/")


def test_a_url_with_no_language_shows_the_current_page_language_else_english(context, site):
    page = context.new_page()
    page.goto("/ru/")
    wait_controlled(page)
    wait_offline_ready(page)

    context.set_offline(True)
    page.goto("/")
    assert_offline_page(page, site, "ru")

    page.close()  # no page of ours is open any more: no current language
    page = context.new_page()
    page.goto("/")
    assert_offline_page(page, site, "en")


def test_a_visit_never_leaves_the_origin(context, live_server):
    """No request (page, service worker, precache) goes to another origin, in any language."""
    requests = []
    context.on("request", lambda r: requests.append((r.url, r.service_worker is not None)))
    page = context.new_page()
    for lang in LANGUAGES:
        page.goto(f"/{lang}/")
        wait_offline_ready(page)
        page.goto(f"/{lang}/azercell/")
    origin = urlsplit(live_server.url)[:2]
    foreign = [
        url
        for url, _ in requests
        if urlsplit(url)[:2] != origin and not url.startswith(("data:", "blob:"))
    ]
    assert foreign == []
    assert any(by_worker for _, by_worker in requests)  # the worker's requests were seen too
