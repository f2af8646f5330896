#!/usr/bin/env bash
# Install what the tests need, lint, and run the suite in two passes side by side: on SQLite (the
# embedded default: everything but the multi-process tests), and on a throwaway PostgreSQL
# cluster the run starts itself (TEST_DATABASE=postgresql, tests/pg_cluster.py): everything that
# touches the database, the several-processes tests included (a province runs them on
# PostgreSQL). The browser tests and tests/storage (no database) run once, in the SQLite pass.
# The passes share nothing (their own temporary folders, ports and databases).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/lint-imports --no-logo  # the layers: pyproject.toml's [tool.importlinter]

postgresql_log=$(mktemp --suffix=-postgresql-pass.log)
TEST_DATABASE=postgresql .venv/bin/python -m pytest -q --ignore=tests/storage --ignore=tests/browser "$@" \
  >"$postgresql_log" 2>&1 &
postgresql_pass=$!

sqlite=0
echo "== SQLite pass =="
.venv/bin/python -m pytest -q --ignore=tests/cluster "$@" || sqlite=$?
postgresql=0
wait "$postgresql_pass" || postgresql=$?
echo "== PostgreSQL pass =="
cat "$postgresql_log"
rm -f "$postgresql_log"
[ "$sqlite" -eq 0 ] && [ "$postgresql" -eq 0 ]
