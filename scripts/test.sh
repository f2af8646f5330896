#!/usr/bin/env bash
# Install what the tests need, lint, and run the whole suite (browser tests included) twice:
# on SQLite, then on a throwaway PostgreSQL cluster the run starts itself (tests/pg_cluster.py).
# Each pass's closing line says how long it took.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m pytest -q "$@"
TEST_DATABASE=postgresql .venv/bin/python -m pytest -q "$@"
