#!/usr/bin/env bash
# Install the front-end libraries from the npm lockfile and copy them into static/vendor.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --loglevel=error
mkdir -p static/vendor
cp node_modules/socket.io-client/dist/socket.io.min.js static/vendor/socket.io.min.js
cp node_modules/perfect-freehand/dist/esm/index.mjs static/vendor/perfect-freehand.mjs
