"""``scripts/start.sh`` refuses a busy or malformed ``PORT`` in one line, before doing anything.

The check comes first, so these tests neither install nor build anything; a full start is
what the README's first command does.
"""

from __future__ import annotations

import os
import socket
import subprocess

import pytest

from webapp import REPO_ROOT

START = os.path.join(REPO_ROOT, "scripts", "start.sh")


def start(port: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", START],
        env={**os.environ, "PORT": port},
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_busy_port_is_one_line_and_a_failure():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = start(str(port))
    assert result.returncode == 1
    assert result.stdout == ""  # nothing claimed to be served, nothing started
    assert result.stderr.strip().splitlines() == [
        f"start.sh: port {port} is already in use; stop what uses it or set PORT"
    ]


@pytest.mark.parametrize("port", ["http", "80a", "-1"])
def test_a_port_that_is_not_a_number_is_refused(port):
    result = start(port)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [f"start.sh: PORT must be a number, not '{port}'"]
