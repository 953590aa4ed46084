"""``static/js/shared.js``: the names the page and the service worker share, written once.

Its API paths are run under node and matched against the app's own routes, so a route
renamed in ``webapp/api.py`` fails here rather than in a phone's reminder; the page bundle
and ``/sw.js`` each carry the file once, before any file that uses it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from urllib.parse import unquote

import pytest

from webapp import assets, build

SHARED_JS = os.path.join(assets.STATIC_DIR, assets.SHARED_JS)
#: The paths shared.js builds, as JSON (argv: the file).
NODE_SCRIPT = """
const fs = require('node:fs'); const vm = require('node:vm');
const sandbox = { module: { exports: {} }, encodeURIComponent };
vm.runInNewContext(fs.readFileSync(process.argv[1], 'utf8'), sandbox);
const { API, STATE_CACHE, planState } = sandbox.module.exports;
process.stdout.write(JSON.stringify({
  prefix: API.prefix, pushKey: API.pushKey, planPreview: API.planPreview,
  reminders: API.reminders, plan: API.plan('p 1'), done: API.done('p 1', 'close'),
  subscription: API.subscription('p 1'), stateCache: STATE_CACHE, stateKey: planState.url
}));
"""


def read(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


@pytest.fixture(scope="module")
def paths(node):
    result = subprocess.run(
        [node, "-e", NODE_SCRIPT, SHARED_JS], capture_output=True, check=True, timeout=60
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("name", "method", "endpoint", "args"),
    [
        ("pushKey", "GET", "api.push_key", {}),
        ("planPreview", "GET", "api.plan_preview", {}),
        ("reminders", "POST", "api.create_reminders", {}),
        ("plan", "GET", "api.get_reminders", {"plan_id": "p 1"}),
        ("plan", "DELETE", "api.delete_reminders", {"plan_id": "p 1"}),
        ("done", "POST", "api.done", {"plan_id": "p 1", "kind": "close"}),
        ("subscription", "PUT", "api.move", {"plan_id": "p 1"}),
    ],
)
def test_each_api_path_is_the_route_the_scripts_mean(app, paths, name, method, endpoint, args):
    adapter = app.url_map.bind("localhost")
    # The server reads the path decoded: the ids are encoded on the way.
    assert adapter.match(unquote(paths[name]), method=method) == (endpoint, args)


def test_the_api_prefix_covers_every_api_route_and_no_page(app, paths):
    for rule in app.url_map.iter_rules():
        assert rule.rule.startswith(paths["prefix"]) == rule.endpoint.startswith("api."), rule


def test_the_plan_state_lives_in_a_cache_the_worker_keeps(paths):
    assert paths["stateCache"].startswith("simexit-")
    sw = build.service_worker({"shared": [], "langs": {}, "default_lang": "en", "version": "x"})
    # Activation deletes every simexit-* cache it does not name: the state must be named.
    assert re.search(r"KEEP_CACHES = \[PRECACHE, STATE_CACHE\]", sw)


def test_the_bundle_and_the_worker_carry_the_shared_file_once_and_first():
    shared = read(SHARED_JS)
    bundle = assets.js_bundle().decode()
    sw = build.service_worker({"shared": [], "langs": {}, "default_lang": "en", "version": "x"})
    for text in (bundle, sw):
        assert text.count(shared) == 1
        before = text[: text.index(shared)]
        assert not any(name in before for name in ("API", "planState", "STATE_CACHE"))
    # Nothing else types what shared.js defines.
    for name in ("remind.js", "../sw/precache.js", "../sw/push.js"):
        source = read(os.path.join(assets.STATIC_DIR, "js", name))
        assert "'/api/" not in source and "simexit-state" not in source, name
