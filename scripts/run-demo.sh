#!/usr/bin/env bash
# Install what the app needs, fill an empty database with the demo meeting, and serve it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh runtime
.venv/bin/flask --app wsgi demo
exec .venv/bin/python wsgi.py
