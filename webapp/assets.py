"""Source assets in ``static/`` and their content-hashed names in the build.

A hashed name changes whenever the bytes change, so WhiteNoise can serve them
with one-year immutable caching and no page ever mixes two builds' assets.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass

import rcssmin
import rjsmin
from flask import current_app

from . import REPO_ROOT

STATIC_DIR = os.path.join(REPO_ROOT, "static")

#: ``name.0123456789ab.ext``: the pattern WhiteNoise treats as immutable.
HASHED_RE = re.compile(r"\.[0-9a-f]{12}\.[a-z0-9]+$")
#: What the page and the service worker share (the plan's state, the API paths): first in
#: the page bundle and in ``/sw.js``, so each file after it may use its names at once.
SHARED_JS = "js/shared.js"
#: The service worker's source parts under ``static/``, concatenated in this order into
#: ``/sw.js`` (after the precache list).
SW_PARTS = (SHARED_JS, "sw/precache.js", "sw/push.js")


@dataclass(frozen=True)
class Asset:
    name: str  # logical name, e.g. "app.css" or "icons/icon-192.png"
    url: str  # "/assets/app.0123456789ab.css"
    data: bytes


def digest(data: bytes, length: int = 12) -> str:
    return hashlib.sha256(data).hexdigest()[:length]


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def _css(path: str) -> bytes:
    return rcssmin.cssmin(_read(path).decode()).encode()


def js_bundle(static_dir: str | None = None) -> bytes:
    """All of ``static/js`` in one strict-mode IIFE: ``shared.js`` and ``component.js`` first,
    ``init.js`` last, the components in between by name."""
    static_dir = static_dir or STATIC_DIR
    js_dir = os.path.join(static_dir, "js")
    first = (os.path.basename(SHARED_JS), "component.js")
    last = ("init.js",)
    names = sorted(n for n in os.listdir(js_dir) if n.endswith(".js") and n not in first + last)
    order = [*first, *names, *last]
    parts = [f"/* {n} */\n" + _read(os.path.join(js_dir, n)).decode() for n in order]
    return ("(function () {\n'use strict';\n" + "\n".join(parts) + "\n})();\n").encode()


def collect(static_dir: str | None = None) -> dict[str, Asset]:
    """Every asset the pages link to, by logical name, with its hashed URL."""
    static_dir = static_dir or STATIC_DIR
    # Minified: the sources keep comments that say why, and a phone should not download
    # them (about 7 KB gzip of every first visit); rjsmin and rcssmin only drop comments and
    # whitespace, so the same bytes come out of the same sources.
    sources: dict[str, bytes] = {
        "app.css": _css(os.path.join(static_dir, "css", "app.css")),
        "print.css": _css(os.path.join(static_dir, "css", "print.css")),
        "app.js": rjsmin.jsmin(js_bundle(static_dir).decode()).encode(),
    }
    icon_dir = os.path.join(static_dir, "icons")
    for name in sorted(os.listdir(icon_dir)):
        if name.endswith((".png", ".svg", ".ico")):
            sources[f"icons/{name}"] = _read(os.path.join(icon_dir, name))
    result = {}
    for name, data in sources.items():
        stem, ext = os.path.splitext(name)
        result[name] = Asset(name, f"/assets/{stem}.{digest(data)}{ext}", data)
    return result


_cache: dict[str, tuple[float, dict[str, Asset]]] = {}


def url(name: str) -> str:
    """The hashed URL of an asset: the build's own set while it renders, else recomputed
    whenever ``static/`` changes (pages served by the views in development)."""
    building = current_app.extensions.get("simexit_assets") if current_app else None
    if building is not None:
        return building[name].url
    stamp = max(
        os.stat(os.path.join(root, f)).st_mtime_ns
        for root, _, files in os.walk(STATIC_DIR)
        for f in files
    )
    cached = _cache.get(STATIC_DIR)
    if cached is None or cached[0] != stamp:
        cached = _cache[STATIC_DIR] = (stamp, collect())
    return cached[1][name].url
