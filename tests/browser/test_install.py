"""Installation: Chromium finds nothing missing, and the manifest has every field we promise."""

from __future__ import annotations

import pytest
from chromium import CHROMIUM, CHROMIUM_ARGS

from webapp import content, i18n

from .conftest import LANGUAGES, wait_controlled

pytestmark = pytest.mark.browser

#: Reads the manifest the page links to, and each image's real size from its PNG header.
READ_MANIFEST = """async () => {
    const href = document.querySelector('link[rel=manifest]').href;
    const response = await fetch(href);
    const manifest = await response.json();
    const sizes = {};
    const images = manifest.icons.concat(manifest.screenshots || []);
    for (const image of images) {
        const r = await fetch(new URL(image.src, href));
        const view = new DataView(await r.arrayBuffer());
        sizes[image.src] = {ok: r.ok, type: r.headers.get('Content-Type'),
                            size: view.getUint32(16) + 'x' + view.getUint32(20)};
    }
    return {href: new URL(href).pathname, type: response.headers.get('Content-Type'),
            manifest, sizes};
}"""


@pytest.fixture
def profile_page(playwright, live_server, tmp_path):
    """A page in an ordinary (on-disk) profile: Chromium never installs from an incognito
    one, and every ``browser.new_context()`` is incognito ("in-incognito" error)."""
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        headless=True,
        base_url=live_server.url,
    )
    try:
        yield context.pages[0] if context.pages else context.new_page()
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_chromium_reports_no_installability_errors(profile_page, live_server, lang):
    page = profile_page
    page.goto(f"/{lang}/")
    wait_controlled(page)
    cdp = page.context.new_cdp_session(page)
    try:
        manifest = cdp.send("Page.getAppManifest")
        result = cdp.send("Page.getInstallabilityErrors")
    finally:
        cdp.detach()
    assert manifest["url"] == f"{live_server.url}/{lang}/manifest.webmanifest"
    assert manifest["errors"] == []
    assert result["installabilityErrors"] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_manifest_has_every_promised_field(page, live_server, lang):
    page.goto(f"/{lang}/")
    found = page.evaluate(READ_MANIFEST)
    manifest, sizes = found["manifest"], found["sizes"]

    assert found["href"] == f"/{lang}/manifest.webmanifest"
    assert found["type"] == "application/manifest+json"
    assert manifest["id"] == manifest["start_url"] == f"/{lang}/"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["lang"] == i18n.HTML_LANG[lang]
    assert manifest["lang"] == page.evaluate("document.documentElement.lang")
    for field in ("name", "short_name", "description", "theme_color", "background_color"):
        assert manifest[field], field

    icons = {(i["sizes"], i.get("purpose", "any")): i["src"] for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= set(icons)
    for (size, _), src in icons.items():
        assert sizes[src] == {"ok": True, "type": "image/png", "size": size}, src

    narrow = [s for s in manifest["screenshots"] if s.get("form_factor") == "narrow"]
    assert narrow and narrow[0]["label"]
    assert sizes[narrow[0]["src"]] == {"ok": True, "type": "image/png", "size": narrow[0]["sizes"]}

    assert [s["url"] for s in manifest["shortcuts"]] == [
        f"/{lang}/{op}/" for op in content.OPERATORS
    ]
    assert all(s["name"] and s["icons"] for s in manifest["shortcuts"])


def test_favicon_and_apple_touch_icon(page):
    page.goto("/en/")
    links = page.evaluate("""() => Array.from(
        document.querySelectorAll('link[rel~=icon], link[rel=apple-touch-icon]'))
        .map((l) => ({rel: l.rel, href: l.href, type: l.type}))""")
    rels = {link["rel"] for link in links}
    assert {"icon", "apple-touch-icon"} <= rels
    for link in links:
        response = page.request.get(link["href"])
        try:
            assert response.ok, link
            assert response.headers["content-type"].startswith("image/"), link
        finally:
            response.dispose()
