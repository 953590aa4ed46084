#!/usr/bin/env bash
# Install SIM Exit and start it: database, VAPID keys and site build happen on first run.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -e .
.venv/bin/flask --app webapp db upgrade
.venv/bin/flask --app webapp reminders worker &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT
echo "SIM Exit: http://127.0.0.1:${PORT:-8000}/"
.venv/bin/granian --interface wsgi --factory --host 127.0.0.1 --port "${PORT:-8000}" --workers 2 --blocking-threads 4 --respawn-failed-workers webapp:create_app
