"""The Procfile's web server, started for real: it must send what the app itself sends.

The ``web:`` command of the Procfile runs as a child process (its own session, so
the server and its workers are stopped together), on a free loopback port given in
``PORT`` and ``HOST=127.0.0.1``, over the session's site build. A page, a hashed
asset, ``sw.js`` and an API endpoint must answer with exactly the headers (cache
rules, security headers, encoding, length, validators) that the in-process app
gives for the same request; only what a server adds on its own (``Date``,
``Server``) is left out of the comparison.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest

from webapp import REPO_ROOT, create_app

#: A real server process is started for the module (seconds).
pytestmark = pytest.mark.slow

#: Added by the HTTP server itself, never by the app.
SERVER_HEADERS = {"date", "server"}


def web_command() -> str:
    with open(os.path.join(REPO_ROOT, "Procfile"), encoding="utf-8") as f:
        [command] = [line.split(":", 1)[1].strip() for line in f if line.startswith("web:")]
    return command


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, url: str, headers: dict) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", url, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def site(site, tmp_path_factory):
    """The in-process app over the session's site build (conftest ``site``), and the Procfile's
    server over the same."""
    tmp = tmp_path_factory.mktemp("procfile")
    settings = {
        "BUILD_DIR": str(site["dir"]),
        "INSTANCE_PATH": str(tmp / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "VAPID_SUBJECT": "mailto:test@simexit.invalid",
    }
    app = create_app({"TESTING": True, "BUILD_ON_START": False, **settings})
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIMEXIT_", "GRANIAN_"))}
    env.update(
        {f"SIMEXIT_{k}": v for k, v in settings.items()},
        SIMEXIT_BUILD_ON_START="false",
        PORT=str(port := free_port()),
        HOST="127.0.0.1",
        PATH=os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", ""),
    )
    server = subprocess.Popen(
        ["bash", "-c", f"exec {web_command()}"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120  # a bound on start-up, not a measured figure
        while True:
            try:
                get(port, "/en/", {})
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    os.killpg(server.pid, signal.SIGKILL)
                    pytest.fail(
                        f"{web_command()!r} did not answer on port {port}:\n"
                        + server.communicate()[0].decode(errors="replace")
                    )
                time.sleep(0.2)
        yield app.test_client(), port
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        server.stdout.close()


def test_the_procfile_server_honours_port(site):
    _, port = site
    status, _, body = get(port, "/en/azercell/", {})
    assert status == 200
    assert b"Azercell" in body


@pytest.mark.parametrize("url", ["/en/azercell/", "hashed asset", "/sw.js", "/api/push/key"])
@pytest.mark.parametrize("encoding", ["gzip", "br", None])
def test_the_procfile_server_sends_the_apps_headers(site, url, encoding):
    client, port = site
    if url == "hashed asset":
        html = client.get("/en/", buffered=True).get_data(as_text=True)
        url = re.search(r'"(/assets/app\.[0-9a-f]{12}\.css)"', html).group(1)
    headers = {"Accept-Encoding": encoding} if encoding else {}
    expected = client.get(url, headers=headers, buffered=True)
    status, got, body = get(port, url, headers)
    assert status == expected.status_code == 200
    assert {k: v for k, v in got.items() if k not in SERVER_HEADERS} == {
        k.lower(): v for k, v in expected.headers.items()
    }
    assert body == expected.get_data()
