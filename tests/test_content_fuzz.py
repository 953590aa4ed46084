"""Fuzzing the content loader: any broken file gives a clear ContentError, never a traceback."""

from __future__ import annotations

import os
import shutil
import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp import content

#: 150 damaged content files per test, each loaded and validated: seconds.
pytestmark = pytest.mark.slow

FILES = ["facts.toml", "operators/azercell.toml", "prepare.toml", "faq.toml"]
ORIGINALS = {}
for name in FILES:
    with open(os.path.join(content.CONTENT_DIR, name), "rb") as f:
        ORIGINALS[name] = f.read()

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.dates(),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    target = tmp_path_factory.mktemp("fuzz") / "content"
    shutil.copytree(content.CONTENT_DIR, target)
    return target


def check(workdir, name, data: bytes):
    path = workdir / name
    path.write_bytes(data)
    try:
        content.load(str(workdir))
    except content.ContentError as error:
        # The damaged file, or one that refers to what the damage removed (a fact id).
        assert error.path.startswith(str(workdir)) and error.path.endswith(".toml")
        assert error.entry and error.field and error.problem
    finally:
        path.write_bytes(ORIGINALS[name])


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.sampled_from(FILES), data=st.data())
def test_byte_level_damage(workdir, name, data):
    original = ORIGINALS[name]
    start = data.draw(st.integers(0, len(original)))
    length = data.draw(st.integers(0, 40))
    junk = data.draw(st.binary(max_size=40))
    check(workdir, name, original[:start] + junk + original[start + length :])


def paths(node, trail=()):
    """Every (path to a value) in a parsed TOML document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*trail, key)
            yield from paths(value, (*trail, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*trail, index)
            yield from paths(value, (*trail, index))


def dumps(value) -> str:
    """A tiny TOML writer for what tomllib gives back (enough for these files)."""
    import datetime as dt
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(dumps(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {dumps(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


def document(data: dict) -> str:
    lines = []
    for key, value in data.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            lines.append(f"{json_key(key)} = " + dumps(value))
        else:
            lines.append(f"{json_key(key)} = {dumps(value)}")
    return "\n".join(lines) + "\n"


def json_key(key):
    import json

    return json.dumps(key)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.sampled_from(FILES), data=st.data())
def test_structural_damage(workdir, name, data):
    parsed = tomllib.loads(ORIGINALS[name].decode())
    all_paths = list(paths(parsed))
    path = data.draw(st.sampled_from(all_paths))
    parent = parsed
    for part in path[:-1]:
        parent = parent[part]
    action = data.draw(st.sampled_from(["delete", "replace"]))
    if action == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = data.draw(VALUES)
    try:
        text = document(parsed)
    except TypeError:  # None has no TOML spelling: nothing to write
        return
    check(workdir, name, text.encode())
