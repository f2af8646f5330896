#!/usr/bin/env bash
# Install the front-end libraries from the npm lockfile and copy them into static/vendor.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --loglevel=error
mkdir -p static/vendor
cp node_modules/socket.io-client/dist/socket.io.min.js static/vendor/socket.io.min.js
cp node_modules/perfect-freehand/dist/esm/index.mjs static/vendor/perfect-freehand.mjs
# Workbox: the service worker imports the classic-script builds (workbox.core, .routing, ...) from
# our own origin; the pages register it through workbox-window's ES module.
mkdir -p static/vendor/workbox
for module in core routing strategies precaching; do
  cp "node_modules/workbox-$module/build/workbox-$module.prod.js" static/vendor/workbox/
done
cp node_modules/workbox-window/build/workbox-window.prod.mjs static/vendor/workbox/workbox-window.prod.mjs
# One minified bundle per page (and shared chunks) into static/dist, served at the sources' own URLs
# while built from today's sources (core/assets.py, docs/architecture.md "The front end").
node scripts/build_static.mjs
