#!/usr/bin/env bash
# Install SIM Exit and start it: database, VAPID keys and site build happen on first run.
# PORT (default 8000) is the port it serves on, on 127.0.0.1. Each stage says what it does.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8000}
say() { echo "start.sh: $*"; }

# A busy port fails in one line, now and again just before serving (not after a long install).
port_free() {
  "$1" -c 'import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does: TIME_WAIT is no conflict
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)' "$PORT" 2>/dev/null
}
check_port() {
  case "$PORT" in
    '' | *[!0-9]*) echo "start.sh: PORT must be a number, not '$PORT'" >&2; exit 2 ;;
  esac
  port_free "$1" || { echo "start.sh: port $PORT is already in use; stop what uses it or set PORT" >&2; exit 1; }
}
check_port python3

if [ -x .venv/bin/python ]; then
  say "checking the installation in .venv/"
else
  say "installing into .venv/ (the first time takes a minute or so)"
  python3 -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check -e .
say "creating or migrating the database (SIMEXIT_DATABASE_URL, default: instance/simexit.sqlite3)"
SIMEXIT_BUILD_ON_START=false .venv/bin/flask --app webapp db upgrade
say "building the site into build/ when its sources changed"
.venv/bin/python -c 'from webapp import create_app; create_app()'
check_port .venv/bin/python
say "starting the reminders worker (the VAPID key is created in instance/ on first run)"
.venv/bin/flask --app webapp reminders worker &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT
echo "SIM Exit: http://127.0.0.1:${PORT:-8000}/"
.venv/bin/granian --interface wsgi --factory --host 127.0.0.1 --port "${PORT:-8000}" --workers 2 --blocking-threads 4 --respawn-failed-workers webapp:create_app
