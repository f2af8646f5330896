#!/usr/bin/env bash
# Install what the tests need, lint, and run the whole suite (browser tests included) twice:
# on SQLite, and at the same time on a throwaway PostgreSQL cluster the run starts itself
# (TEST_DATABASE=postgresql, tests/pg_cluster.py). The two passes share nothing (their own
# temporary folders, ports and databases); run side by side they fit CI's time on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
.venv/bin/ruff check .
.venv/bin/ruff format --check .

postgresql_log=$(mktemp --suffix=-postgresql-pass.log)
# tests/storage never opens a database (the storage package is pure PyMuPDF, no Flask): it runs once.
TEST_DATABASE=postgresql .venv/bin/python -m pytest -q --ignore=tests/storage "$@" >"$postgresql_log" 2>&1 &
postgresql_pass=$!

sqlite=0
echo "== SQLite pass =="
.venv/bin/python -m pytest -q "$@" || sqlite=$?
postgresql=0
wait "$postgresql_pass" || postgresql=$?
echo "== PostgreSQL pass =="
cat "$postgresql_log"
rm -f "$postgresql_log"
[ "$sqlite" -eq 0 ] && [ "$postgresql" -eq 0 ]
