"""The browser code's pure functions, tested in node (no browser needed)."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from webapp import content, numbers, pages

JS_TESTS = os.path.join(os.path.dirname(__file__), "js")


@pytest.mark.parametrize("name", sorted(n for n in os.listdir(JS_TESTS) if n.endswith(".test.js")))
def test_javascript_unit_tests(name, node):
    c = content.load()
    env = {
        **os.environ,
        "TZ": "Asia/Baku",
        "SIMEXIT_PREFIX_TABLE": json.dumps(numbers.prefix_table(c.facts, c.operators)),
        "SIMEXIT_REMINDER_RULES": json.dumps(pages.REMINDER_RULES),
    }
    result = subprocess.run(
        [node, "--test", os.path.join(JS_TESTS, name)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout and "# pass 0" not in result.stdout
