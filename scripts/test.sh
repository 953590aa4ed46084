#!/usr/bin/env bash
# Install the test dependencies (Debian's chromium, postgresql, CJK and Arabic-script fonts, Java
# and npm when missing; the Nu HTML Checker from tests/vnu/package-lock.json), start a throw-away
# PostgreSQL cluster, and run every test: the reminders tests run on SQLite and on PostgreSQL
# (tests/conftest.py). Without PostgreSQL the PostgreSQL half is skipped with a
# reason, except in CI (CI=true), where a missing PostgreSQL fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
# A CJK font, so Simplified Chinese pages render (and are measured) as people see them; Noto's
# Arabic-script fonts (Noto Naskh Arabic is Android's), for the Arabic and Persian pages.
ls /usr/share/fonts/truetype/wqy/wqy-microhei.ttc >/dev/null 2>&1 || missing+=(fonts-wqy-microhei)
ls /usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf >/dev/null 2>&1 || missing+=(fonts-noto-core)
# node runs the JavaScript unit tests (tests/js) and the calendar test.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
# Java runs the Nu HTML Checker (tests/test_html.py); npm installs it.
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# WebKitGTK through WebDriver (tests/webkit: the engine of every iPhone browser), on Xvfb.
command -v WebKitWebDriver >/dev/null 2>&1 || missing+=(webkit2gtk-driver)
command -v Xvfb >/dev/null 2>&1 || missing+=(xvfb)
if [ ${#missing[@]} -gt 0 ]; then
  # A failed install is not fatal here: the tests say what they skipped (and CI fails on it).
  { $SUDO apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null; } ||
    echo "test.sh: could not install ${missing[*]}" >&2
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -e '.[test]'
# The pinned vnu.jar, again only when the lock file changed (a copy of it marks the install).
# --ignore-scripts: its postinstall would download a Java runtime; Debian's is used instead.
if command -v npm >/dev/null 2>&1 &&
   ! cmp -s tests/vnu/package-lock.json tests/vnu/node_modules/.simexit-lock 2>/dev/null; then
  { (cd tests/vnu && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) &&
    cp tests/vnu/package-lock.json tests/vnu/node_modules/.simexit-lock; } ||
    echo "test.sh: could not install the Nu HTML Checker (tests/vnu)" >&2
fi

# A throw-away PostgreSQL cluster (tests/pgserver.py: a temp dir, a free loopback port, trust
# authentication on 127.0.0.1 and the socket in the temp dir only, so no password anywhere;
# durability off, as it is deleted on exit; as root, run as Debian's `postgres` user).
if [ -z "${SIMEXIT_TEST_POSTGRES_URL:-}" ]; then
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/simexit-pg.XXXXXX")
  trap '.venv/bin/python tests/pgserver.py stop "$PG_DIR"' EXIT
  pg_status=0
  PG_URL=$(.venv/bin/python tests/pgserver.py start "$PG_DIR" 2>"$PG_DIR.log") || pg_status=$?
  if [ "$pg_status" = 0 ]; then
    export SIMEXIT_TEST_POSTGRES_URL="$PG_URL"
    PG_PORT=${PG_URL##*:}
    echo "test.sh: throw-away PostgreSQL ($(cat "$PG_DIR.log")) on 127.0.0.1:${PG_PORT%%/*}"
  elif [ "$pg_status" != 2 ]; then  # 2: not installed, which the tests report themselves
    echo "test.sh: PostgreSQL did not start:" >&2
    cat "$PG_DIR.log" >&2
  fi
  rm -f "$PG_DIR.log"
fi
status=0
# The linters first (pyproject.toml's [tool.ruff] and [tool.mypy]): a finding fails the run, but
# the tests still run, so one CI run reports both.
echo "test.sh: ruff check, ruff format --check, mypy"
.venv/bin/ruff check --quiet . || status=1
.venv/bin/ruff format --check --quiet . || status=1
.venv/bin/mypy || status=1
.venv/bin/python -m pytest "$@" || status=$?
exit "$status"
