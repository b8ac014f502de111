#!/usr/bin/env bash
# README command (b): install what the tests need and run the whole suite.
# The Debian packages it drives are installed with apt-get when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages the suite drives, installed with apt-get when missing: chromium (the browser journeys),
# redis-server (shared rate limits), postgresql (the second run and the topology test's cluster), nginx and
# openssl (the production topology test: the shipped proxy config with a test-time certificate).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v npm >/dev/null 2>&1 || missing+=(npm)  # axe-core comes from the npm registry
python3 -c 'import ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)  # Debian splits venv out
if [ ${#missing[@]} -gt 0 ]; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements/test.lock
.venv/bin/python -m pip install --quiet --no-deps -e .
# axe-core for the accessibility checks, from the npm registry (pinned by tests/js/package-lock.json).
npm ci --prefix tests/js --no-audit --no-fund --silent

# The suite runs twice: on SQLite (the default), then on PostgreSQL through MAPAPP_TEST_DATABASE_URL.
# Without a URL given, a throwaway cluster is started on a free loopback port in a temporary folder
# (owned by the postgres user when run as root, as CI does) and removed afterwards.
status=0
# Each pass runs the daily lane, then the slow one (browsers, servers, load, probe suites), both on two
# pytest-xdist workers: CI has two cores, and the whole suite twice must stay well inside its time limit.
# pytest's 5 ("no tests collected") is no failure: arguments may select tests of one lane only.
run_suite() {
  local rc
  for lane in "not slow" "slow"; do
    rc=0
    .venv/bin/python -m pytest -m "$lane" -n 2 -q "$@" || rc=$?
    if [ "$rc" != 0 ] && [ "$rc" != 5 ]; then status=$rc; fi
  done
}
# The importer measured on the labelled corpus, per document and overall, against issue 15's thresholds.
echo "== compare-imports on tests/data/import-corpus =="
SCRATCH=$(mktemp -d)
MAPAPP_SECRET_KEY=compare-imports-only MAPAPP_DATABASE_URL="sqlite:///$SCRATCH/compare.sqlite" \
.venv/bin/flask --app mapapp compare-imports tests/data/import-corpus --truth tests/data/import-corpus/truth.json \
  --min-commitment-precision 0.90 --min-commitment-recall 0.90 --min-period-exact 0.90 \
  --min-area-precision 0.90 --min-area-recall 0.80 --min-responsible 0.85 --max-not-promise-drafted 0 \
  | sed -n '/^OVERALL/,$p' || status=1
echo "== compare-imports on OCR-damaged copies of the same corpus =="
.venv/bin/python scripts/make_ocr_variants.py tests/data/import-corpus "$SCRATCH/ocr" --seed 15 >/dev/null
MAPAPP_SECRET_KEY=compare-imports-only MAPAPP_DATABASE_URL="sqlite:///$SCRATCH/compare.sqlite" \
.venv/bin/flask --app mapapp compare-imports "$SCRATCH/ocr" --truth "$SCRATCH/ocr/truth.json" \
  --min-commitment-recall 0.80 --max-not-promise-drafted 0 \
  | sed -n '/^OVERALL/,$p' || status=1
rm -rf "$SCRATCH"
echo "== test suite on SQLite =="
run_suite "$@"

if [ "${MAPAPP_TEST_POSTGRES:-1}" != 0 ]; then
  if [ -z "${MAPAPP_TEST_DATABASE_URL:-}" ]; then
    as_postgres() { if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    PG_DIR=$(mktemp -d /tmp/lofteskartan-pg.XXXXXX)
    PG_PORT=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    if [ "$(id -u)" = 0 ]; then chown postgres: "$PG_DIR"; fi
    stop_postgres() {
      as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
      rm -rf "$PG_DIR"
    }
    trap stop_postgres EXIT
    as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --no-locale --no-sync >/dev/null
    # A test database needs no durability: fsync and synchronous commit off make the per-test schemas quick.
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w start \
      -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
    as_postgres "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres lofteskartan_test
    export MAPAPP_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/lofteskartan_test"
  fi
  echo "== test suite on PostgreSQL =="
  run_suite "$@"
fi
exit $status
