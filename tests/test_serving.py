"""Serving the build: WhiteNoise cache rules, compression, language redirect, errors.

The security headers of every response type are ``test_security``'s.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
from appconfig import app_config

from webapp import create_app


@pytest.fixture(scope="module")
def served(site, tmp_path_factory):
    """An app serving the session's site build (conftest ``site``), as the web process does.

    That start-up builds a missing site is ``test_factory``'s to prove.
    """
    tmp = tmp_path_factory.mktemp("served")
    return create_app(app_config(tmp, BUILD_DIR=str(site["dir"]))).test_client()


def fetch(client, url, **kwargs):
    """GET, reading and closing the body (WhiteNoise answers with an open file)."""
    return client.get(url, buffered=True, **kwargs)


def asset_url(client, kind):
    html = fetch(client, "/en/").get_data(as_text=True)
    return re.search(rf'"(/assets/app\.[0-9a-f]{{12}}\.{kind})"', html).group(1)


@pytest.mark.parametrize("kind", ["css", "js"])
def test_hashed_assets_are_cached_for_a_year(served, kind):
    response = fetch(served, asset_url(served, kind))
    assert response.status_code == 200
    assert (
        response.headers["Cache-Control"] == "max-age=315360000, public, immutable"
        or "immutable" in response.headers["Cache-Control"]
    )


@pytest.mark.parametrize("url", ["/en/", "/zh-hans/faq/", "/sw.js", "/en/manifest.webmanifest"])
def test_html_service_worker_and_manifest_revalidate(served, url):
    response = fetch(served, url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"


def test_manifest_media_type(served):
    assert fetch(served, "/en/manifest.webmanifest").mimetype == "application/manifest+json"


def test_precompressed_files_are_served(served):
    response = fetch(served, "/en/", headers={"Accept-Encoding": "br, gzip"})
    assert response.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response.headers["Vary"]
    response = fetch(served, "/en/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"


@pytest.mark.parametrize(
    ("accept", "target"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "/zh-hans/"),
        ("zh-Hans", "/zh-hans/"),
        ("en-GB,en;q=0.9", "/en/"),
        ("de-DE,fr;q=0.8", "/en/"),
        ("ru-RU,ru;q=0.9,en;q=0.5", "/ru/"),
        ("az-AZ", "/az/"),
        ("az-Latn-AZ,ru;q=0.5", "/az/"),
        ("zh-TW", "/zh-hans/"),
        ("tr-TR,tr;q=0.9", "/tr/"),
        ("ar-EG,ar;q=0.9,en;q=0.8", "/ar/"),
        ("fa-IR", "/fa/"),
        ("prs-AF", "/fa/"),
        ("", "/en/"),
    ],
)
def test_root_redirects_to_the_best_language(served, accept, target):
    response = fetch(served, "/", headers={"Accept-Language": accept} if accept else {})
    assert response.status_code == 302
    assert response.headers["Location"] == target
    assert "Accept-Language" in response.headers["Vary"]


def test_language_without_slash_redirects(served):
    response = fetch(served, "/en")
    assert response.status_code in (301, 302)
    assert urljoin("http://localhost/en", response.headers["Location"]) == "http://localhost/en/"


def test_unknown_language_is_not_found(served):
    assert fetch(served, "/xx/").status_code == 404


@pytest.mark.parametrize(
    ("url", "lang", "title"),
    [
        ("/nope/", "en", "Page not found"),
        ("/en/nope/", "en", "Page not found"),
        ("/ru/nope/", "ru", None),
    ],
)
def test_unknown_pages_get_our_not_found_page(served, url, lang, title):
    response = fetch(served, url, headers={"Accept": "text/html"})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}"' in html
    if title:
        assert title in html


def test_api_errors_stay_json(served):
    response = fetch(served, "/api/nope", headers={"Accept": "text/html"})
    assert response.status_code == 404 and response.is_json


@pytest.mark.parametrize(
    "url",
    [
        "/en/",
        "/sw.js",
        "/en/manifest.webmanifest",
        "/favicon.ico",
        "css",
        "js",
        "/api/push/key",
        "/nope/",
    ],
)
def test_no_cross_origin_access_is_granted(served, url):
    """No other site reads our files (WhiteNoise would send ``*`` on every one by default)."""
    if url in ("css", "js"):
        url = asset_url(served, url)
    headers = fetch(served, url, headers={"Origin": "https://other.example"}).headers
    assert "Access-Control-Allow-Origin" not in headers


@pytest.mark.parametrize("kind", ["css", "js"])
def test_a_static_file_has_exactly_its_headers(served, kind):
    """Caching, validators, type, compression and the security headers: nothing more or less."""
    response = fetch(served, asset_url(served, kind), headers={"Accept-Encoding": "gzip"})
    assert set(response.headers.keys()) == {
        "Content-Type",
        "Content-Length",
        "Content-Encoding",
        "Vary",
        "Cache-Control",
        "Last-Modified",
        "ETag",
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Permissions-Policy",
        "Cross-Origin-Opener-Policy",
        "X-Frame-Options",
    }
