"""Security headers on every response type, ``_headers`` for static hosts, the VAPID secret."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import logging
import os
import re
import stat

import brotli
import pytest
from appconfig import app_config
from cryptography.hazmat.primitives import serialization

from webapp import create_app, headers, push
from webapp.push import keys


@pytest.fixture(scope="module")
def site(site, tmp_path_factory):
    """``site(**config)``: apps serving the session's site build (conftest ``site``)."""
    tmp = tmp_path_factory.mktemp("security")

    def make(**config):
        return create_app(app_config(tmp, BUILD_DIR=str(site["dir"]), **config))

    return make


def fetch(client, method, url, **kwargs):
    return client.open(url, method=method, buffered=True, **kwargs)


def hashed_asset(client) -> str:
    html = fetch(client, "GET", "/en/").get_data(as_text=True)
    return re.search(r'"(/assets/app\.[0-9a-f]{12}\.css)"', html).group(1)


#: One request per response type: (method, url, request headers, expected status).
RESPONSE_TYPES = {
    "html page": ("GET", "/en/", {}, 200),
    "hashed asset": ("GET", "ASSET", {}, 200),
    "service worker": ("GET", "/sw.js", {}, 200),
    "manifest": ("GET", "/en/manifest.webmanifest", {}, 200),
    "api json": ("GET", "/api/push/key", {}, 200),
    "api error": ("GET", "/api/nope", {}, 404),
    "api wrong method": ("GET", "/api/reminders", {}, 405),
    "api foreign origin": ("POST", "/api/reminders", {"Origin": "https://evil.example"}, 403),
    "html 404": ("GET", "/en/nope/", {"Accept": "text/html"}, 404),
    "404 outside a language": ("GET", "/nope/", {}, 404),
    "language redirect": ("GET", "/", {"Accept-Language": "ru"}, 302),
    "slash redirect": ("GET", "/en", {}, 302),
}
#: Answered by WhiteNoise from the build, not by Flask.


def request_type(client, name, base_url="http://localhost", extra=None):
    method, url, request_headers, status = RESPONSE_TYPES[name]
    if url == "ASSET":
        url = hashed_asset(client)
    response = fetch(
        client, method, url, base_url=base_url, headers={**request_headers, **(extra or {})}
    )
    assert response.status_code in ({301, 302} if "redirect" in name else {status})
    return response


@pytest.mark.parametrize("name", RESPONSE_TYPES)
def test_every_response_type_has_the_security_headers(site, name):
    response = request_type(site().test_client(), name)
    for header, value in headers.SECURITY_HEADERS.items():
        assert response.headers.get(header) == value, header
    assert "Strict-Transport-Security" not in response.headers  # plain http


@pytest.mark.parametrize("name", RESPONSE_TYPES)
def test_hsts_over_https(site, name):
    response = request_type(site().test_client(), name, base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == headers.HSTS
    assert response.headers["Content-Security-Policy"] == headers.CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("name", ["api json", "language redirect", "html 404"])
def test_forwarded_proto_counts_only_behind_a_trusted_proxy(site, name):
    forwarded = {"X-Forwarded-Proto": "https"}
    direct = request_type(site().test_client(), name, extra=forwarded)
    assert "Strict-Transport-Security" not in direct.headers
    proxied = request_type(site(TRUSTED_PROXIES=1).test_client(), name, extra=forwarded)
    assert proxied.headers["Strict-Transport-Security"] == headers.HSTS


def _wsgi_headers(middleware, **environ):
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen["headers"] = response_headers

    base = {"wsgi.url_scheme": "http", "REQUEST_METHOD": "GET", "PATH_INFO": "/"}
    middleware({**base, **environ}, start_response)
    return [name for name, _ in seen["headers"]]


def _hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hi"]


@pytest.mark.parametrize(
    ("proxies", "environ", "hsts"),
    [
        (0, {}, False),
        (0, {"wsgi.url_scheme": "https"}, True),
        (0, {"HTTP_X_FORWARDED_PROTO": "https"}, False),
        (1, {"HTTP_X_FORWARDED_PROTO": "https"}, True),
        (
            1,
            {"HTTP_X_FORWARDED_PROTO": "https, http"},
            False,
        ),  # the client said https, not the proxy
        (1, {"wsgi.url_scheme": "https", "HTTP_X_FORWARDED_PROTO": "http"}, False),
    ],
)
def test_security_headers_middleware(proxies, environ, hsts):
    names = _wsgi_headers(headers.SecurityHeaders(_hello, trusted_proxies=proxies), **environ)
    assert names.count("Strict-Transport-Security") == (1 if hsts else 0)
    for name in headers.SECURITY_HEADERS:
        assert names.count(name) == 1


def test_middleware_keeps_headers_already_set():
    def csp_app(environ, start_response):
        start_response("200 OK", [("content-security-policy", "default-src 'none'")])
        return [b""]

    names = _wsgi_headers(headers.SecurityHeaders(csp_app), **{"wsgi.url_scheme": "https"})
    assert [n.lower() for n in names].count("content-security-policy") == 1


def test_csp_allows_nothing_inline_or_foreign():
    csp = dict(d.strip().split(" ", 1) for d in headers.CONTENT_SECURITY_POLICY.split(";"))
    assert csp["default-src"] == csp["script-src"] == csp["style-src"] == "'self'"
    assert csp["object-src"] == csp["base-uri"] == csp["frame-ancestors"] == "'none'"
    assert not re.search(r"unsafe-|\*|https?:", headers.CONTENT_SECURITY_POLICY)


def build_files(site_app, suffixes=(".html",)):
    root = site_app.config["BUILD_DIR"]
    for folder, _, files in os.walk(root):
        for file in files:
            if file.endswith(suffixes):
                yield os.path.join(folder, file)


def test_built_pages_need_nothing_the_csp_forbids(site):
    """No inline script, style or event handler: the strict CSP breaks none of them."""
    for path in build_files(site()):
        with open(path, encoding="utf-8") as f:
            html = f.read()
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html), path
        assert not re.search(r"<style[\s>]|\sstyle=|\son[a-z]+=|javascript:", html), path


# --- _headers for static hosts ---------------------------------------------------------------


def parse_headers_file(text: str) -> dict[str, dict[str, str]]:
    rules, current = {}, None
    for line in text.splitlines():
        if line and not line[0].isspace():
            current = rules.setdefault(line.strip(), {})
        elif line.strip():
            name, _, value = line.strip().partition(":")
            current[name.strip()] = value.strip()
    return rules


def test_headers_file_sends_what_the_app_sends(site):
    app = site()
    with open(os.path.join(app.config["BUILD_DIR"], "_headers"), encoding="utf-8") as f:
        rules = parse_headers_file(f.read())
    client = app.test_client()
    page = fetch(client, "GET", "/en/")
    for name, value in headers.SECURITY_HEADERS.items():
        assert rules["/*"][name] == value == page.headers[name]
    assert rules["/*"]["Strict-Transport-Security"] == headers.HSTS  # static hosts are https
    asset = fetch(client, "GET", hashed_asset(client))
    assert "immutable" in rules["/assets/*"]["Cache-Control"]
    assert "immutable" in asset.headers["Cache-Control"]
    sw = fetch(client, "GET", "/sw.js")
    for name in ("Cache-Control", "Service-Worker-Allowed"):
        assert rules["/sw.js"][name] == sw.headers[name]
    for path in ("/", "/*/", "/*.html", "/*.webmanifest"):
        assert rules[path]["Cache-Control"] == page.headers["Cache-Control"] == "no-cache"


# --- the VAPID private key -------------------------------------------------------------------


def secret_forms(key: keys.VapidKey) -> list[str]:
    """Every spelling of the private key that could leak: PEM, DER, raw scalar."""
    private = key.private
    scalar = private.private_numbers().private_value.to_bytes(32, "big")
    forms = [keys.b64url(scalar), base64.b64encode(scalar).decode().rstrip("="), scalar.hex()]
    for fmt in (serialization.PrivateFormat.PKCS8, serialization.PrivateFormat.TraditionalOpenSSL):
        pem = private.private_bytes(
            serialization.Encoding.PEM, fmt, serialization.NoEncryption()
        ).decode()
        body = [line for line in pem.splitlines() if line and not line.startswith("-----")]
        forms += ["".join(body), *body[:-1]]  # the last PEM line is short: may match by chance
    return forms


def assert_secret_absent(text: str, key: keys.VapidKey, where: str) -> None:
    for form in secret_forms(key):
        assert form not in text, f"private key in {where}"


def test_key_file_is_owner_only_and_outside_the_site(app):
    with app.app_context():
        push.vapid_key()
    path = os.path.join(app.instance_path, keys.KEY_FILE)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert not os.path.abspath(path).startswith(os.path.abspath(app.config["BUILD_DIR"]) + os.sep)
    client = app.test_client()
    for url in (f"/{keys.KEY_FILE}", f"/instance/{keys.KEY_FILE}", f"/en/../{keys.KEY_FILE}"):
        assert client.get(url, follow_redirects=True).status_code == 404


@pytest.mark.usefixtures("schema")
def test_key_never_in_a_response_or_log_line(app, reminders, push_service, runner, caplog):
    """A whole plan's life at DEBUG: every response and every log record is searched."""
    caplog.set_level(logging.DEBUG)
    client = app.test_client()
    seen = []

    def keep(response):
        seen.append(
            f"{response.status} {dict(response.headers)} {response.get_data(as_text=True)}"
        )
        return response

    day = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    keep(client.get("/api/push/key"))
    keep(client.get(f"/api/plan-preview?operator=nar&date={day}&timezone=Asia/Baku"))
    created = keep(reminders.create(date=day))
    plan = created.get_json()
    keep(reminders.get(plan))
    keep(reminders.done(plan, "prepare"))
    keep(reminders.move(plan, push_service.subscribe()))
    keep(client.post("/api/reminders", json={"bad": 1}))
    keep(client.get("/api/nope"))
    due = max(
        dt.datetime.fromisoformat(r["due"].replace("Z", "+00:00")) for r in plan["reminders"]
    )
    for reminder in plan["reminders"]:  # send each reminder when it is due
        when = dt.datetime.fromisoformat(reminder["due"].replace("Z", "+00:00"))
        result = runner.invoke(args=["reminders", "send", "--now", when.isoformat()])
        assert result.exit_code == 0, result.output
        seen.append(result.output)
    assert len(push_service.delivered()) == 3  # "prepare" was marked done
    keep(reminders.delete(plan))
    runner.invoke(args=["reminders", "send", "--now", (due + dt.timedelta(days=9)).isoformat()])
    with app.app_context():
        key = push.vapid_key()
    assert_secret_absent("\n".join(seen), key, "a response or command output")
    log_text = "\n".join(f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records)
    assert caplog.records and log_text
    assert_secret_absent(log_text + caplog.text, key, "the logs")


@pytest.mark.slow  # a whole site built
def test_key_never_in_the_build_output(tmp_path):
    app = create_app(app_config(tmp_path, BUILD_DIR=str(tmp_path / "b")))
    with app.app_context():
        key = push.vapid_key()  # the key exists before the build, as in production
    result = app.test_cli_runner().invoke(args=["build"])
    assert result.exit_code == 0, result.output
    assert_secret_absent(result.output, key, "the build's output")
    count = 0
    for path in build_files(app, suffixes=("",)):
        with open(path, "rb") as f:
            data = f.read()
        if path.endswith(".gz"):
            data = gzip.decompress(data)
        elif path.endswith(".br"):
            data = brotli.decompress(data)
        assert_secret_absent(data.decode("latin-1"), key, path)
        count += 1
    assert count > 50
    assert not any(name.endswith(".pem") for name in os.listdir(tmp_path / "b"))
