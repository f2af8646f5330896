#!/usr/bin/env bash
# Shared set-up for run-demo.sh and test.sh: system packages, the virtualenv, front-end libraries.
# Usage: scripts/setup.sh runtime|dev
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-runtime}"

# Each spec is "program:package", or "/a/file:package" for what is not a program (a font).
apt_install() {
  local missing=()
  for spec in "$@"; do
    local cmd="${spec%%:*}" pkg="${spec#*:}"
    if [[ "$cmd" == /* ]]; then
      [ -e "$cmd" ] || missing+=("$pkg")
    else
      command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Cài gói hệ thống / installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

apt_install node:nodejs npm:npm
# The Times New Roman–metric serif the digest is set in (Nghị định 30/2020/NĐ-CP)
apt_install /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf:fonts-liberation2
if [ "$profile" = dev ]; then
  apt_install chromium:chromium pdftoppm:poppler-utils
  # Outside readers the export tests check their files with (annotated.pdf, digest.docx)
  apt_install qpdf:qpdf soffice:libreoffice-writer-nogui
  # Several server processes on one Redis (tests/cluster, bench/multiprocess_bench.py)
  apt_install redis-server:redis-server
  # The deploy/ nginx sample, run in front of two processes (tests/cluster/test_behind_nginx.py)
  apt_install nginx:nginx openssl:openssl
  # The second test pass starts a throwaway PostgreSQL cluster of its own (tests/pg_cluster.py)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_install "initdb-missing:postgresql"
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv || { apt_install "python3-venv:python3-venv"; python3 -m venv .venv; }
fi
requirements=requirements.txt
[ "$profile" = dev ] && requirements=requirements-dev.txt
.venv/bin/pip install --quiet --disable-pip-version-check -r "$requirements"
bash scripts/vendor.sh
