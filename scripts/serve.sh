#!/usr/bin/env bash
# README command (a): install Löfteskartan into .venv and serve it on http://127.0.0.1:5000.
# The SQLite database is created, migrated and seeded from geodata/ on first start; the national
# RegSO background layer is loaded once; a random secret key is written to instance/config.py once.
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian splits venv out of Python: installed with apt-get when missing, as the test command does.
if ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; fi
fi
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements/app.lock
.venv/bin/python -m pip install --quiet --no-deps -e .
mkdir -p instance
if [ ! -f instance/config.py ]; then
  .venv/bin/python -c 'import secrets; print(f"SECRET_KEY = \"{secrets.token_hex(32)}\"")' > instance/config.py
fi
.venv/bin/flask --app mapapp load-national --if-empty
exec .venv/bin/flask --app mapapp run --host 127.0.0.1 --port "${PORT:-5000}"
