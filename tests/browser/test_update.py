"""Updates: a new build is offered, taken only on "Reload", and leaves nothing of the old one."""

from __future__ import annotations

import shutil
import time

import pytest

from webapp import assets, create_app

from .conftest import Site, cached_urls, site_config, wait_controlled, wait_offline_ready

pytestmark = pytest.mark.browser

GUIDE = "/en/azercell/"
BOXES = "[data-step-checkbox]"
ACTIVATED = (
    "() => navigator.serviceWorker.controller !== null"
    " && navigator.serviceWorker.controller.state === 'activated'"
)


@pytest.fixture(scope="module")
def second_site(tmp_path_factory):
    """A second, different build: the stylesheet gains a rule, so its hashed name and every
    page (which links it) change, as in a real deploy of a CSS fix. (A comment would not do:
    the build minifies the stylesheet.)"""
    tmp = tmp_path_factory.mktemp("second")
    static = tmp / "static"
    shutil.copytree(assets.STATIC_DIR, static)
    with open(static / "css" / "app.css", "a") as f:
        f.write("\n.second-build { outline: 0; }\n")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(assets, "STATIC_DIR", str(static))
        return Site(create_app(site_config(tmp)))


def cache_keys(site, origin: str, langs) -> set[str]:
    """The Cache Storage keys the service worker of ``site`` uses (``precache.js::cacheKey``)
    with ``langs`` saved: every language's offline page is saved in any case."""
    entries = list(site.precache["shared"])
    for lang, lang_entries in site.precache["langs"].items():
        entries += [e for e in lang_entries if e["url"] == f"/{lang}/offline/"]
    for lang in langs:
        entries += site.precache["langs"][lang]
    return {
        origin + e["url"] + (f"?__rev={e['revision']}" if e["revision"] else "") for e in entries
    }


def stylesheet_and_script(page) -> dict[str, str]:
    return page.evaluate("""() => {
        const css = document.querySelector('link[rel=stylesheet]:not([media=print])');
        const js = document.querySelector('script[src]');
        return {css: new URL(css.href).pathname, js: new URL(js.src).pathname};
    }""")


def loaded_assets(page) -> set[str]:
    return set(
        page.evaluate("""() => performance.getEntriesByType('resource')
        .map((e) => new URL(e.name).pathname).filter((p) => p.startsWith('/assets/'))""")
    )


def test_a_new_build_is_offered_then_replaces_the_old_one(
    page, context, site, second_site, live_server
):
    old, new, origin = site, second_site, live_server.url
    assert old.asset_urls()["css"] != new.asset_urls()["css"]
    assert old.asset_urls()["js"] == new.asset_urls()["js"]

    page.goto(GUIDE)
    wait_controlled(page)
    wait_offline_ready(page)
    page.locator(BOXES).nth(0).check()
    page.locator(BOXES).nth(1).check()
    assert set(cached_urls(page)["simexit-precache"]) == cache_keys(old, origin, ["en"])

    with live_server.serving(new.app):
        page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).update()")
        page.wait_for_selector("html[data-update=ready]", state="attached")
        banner = page.locator("[data-module=update-prompt]")
        assert banner.is_visible()
        assert "A new version is ready" in banner.text_content()

        # Until the user agrees, every page stays on the old build, even a newly opened one.
        assert stylesheet_and_script(page) == old.asset_urls()
        other = context.new_page()
        other.goto("/en/bakcell/")
        assert stylesheet_and_script(other) == old.asset_urls()
        other.close()

        with page.expect_navigation():
            page.get_by_role("button", name="Reload").click()
        page.wait_for_function(ACTIVATED)

        assert stylesheet_and_script(page) == new.asset_urls()
        assert loaded_assets(page).isdisjoint(
            set(old.asset_urls().values()) - set(new.asset_urls().values())
        )
        assert not page.locator("[data-module=update-prompt]").is_visible()

        caches = cached_urls(page)
        stale = cache_keys(old, origin, ["en"]) - cache_keys(new, origin, ["en"])
        assert stale and stale.isdisjoint(caches["simexit-precache"])
        assert set(caches["simexit-precache"]) == cache_keys(new, origin, ["en"])
        assert all(name in ("simexit-precache", "simexit-state") for name in caches)

        # The ticks made before the update are still there.
        checked = page.eval_on_selector_all(BOXES, "boxes => boxes.map(b => b.checked)")
        assert checked[:3] == [True, True, False]


def test_a_visit_finds_the_new_build_by_itself(page, site, second_site, live_server):
    """No script call needed: opening a page again is enough to see the prompt."""
    page.goto(GUIDE)
    wait_controlled(page)
    wait_offline_ready(page)
    with live_server.serving(second_site.app):
        page.reload()
        page.wait_for_selector("html[data-update=ready]", state="attached")
        assert page.locator("[data-module=update-prompt]").is_visible()


class SlowAsset:
    """The second build's app, answering one asset slowly: its new worker stays installing."""

    def __init__(self, app, url: str, seconds: float):
        self.app, self.url, self.seconds = app, url, seconds

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"] == self.url:
            time.sleep(self.seconds)
        return self.app(environ, start_response)


def test_a_page_opened_while_the_update_installs_shows_the_prompt(
    context, second_site, live_server
):
    first = context.new_page()
    first.goto(GUIDE)
    wait_controlled(first)
    wait_offline_ready(first)
    slow = SlowAsset(second_site.app, second_site.asset_urls()["css"], 2)
    with live_server.serving(slow):
        first.evaluate("""async () => {
            window.registration = await navigator.serviceWorker.getRegistration();
            window.registration.update();
        }""")
        first.wait_for_function("() => window.registration.installing !== null")

        page = context.new_page()
        page.goto("/en/bakcell/")
        page.wait_for_selector("html[data-update=ready]", state="attached")
        assert page.locator("[data-module=update-prompt]").is_visible()
