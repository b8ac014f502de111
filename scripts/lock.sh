#!/usr/bin/env bash
# Refresh the pinned versions CI and set-up install from, after changing pyproject.toml's dependencies:
#   requirements/app.lock (what the app needs) and requirements/test.lock (the app plus the test suite).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m pip install --quiet pip-tools
for lock in app test; do
  extra=(); [ "$lock" = test ] && extra=(--extra test)
  .venv/bin/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links \
    --upgrade "${extra[@]}" --output-file "requirements/$lock.lock" pyproject.toml
done
