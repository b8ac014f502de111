#!/usr/bin/env bash
# README command (a): install Löfteskartan into .venv and serve it on http://127.0.0.1:5000.
# The SQLite database is created and seeded from geodata/ on first start.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
exec .venv/bin/flask --app mapapp run --host 127.0.0.1 --port "${PORT:-5000}"
