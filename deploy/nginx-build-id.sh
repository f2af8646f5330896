#!/usr/bin/env bash
# Writes /etc/nginx/phonghop-build.conf: the static build id of the code in APP_DIR is cached for a
# year by browsers, any other build id revalidated (core/assets.py). Run at install and upgrade,
# then `nginx -t && systemctl reload nginx`.
set -euo pipefail
APP_DIR="${APP_DIR:-/opt/phonghop/app}"
OUT="${1:-/etc/nginx/phonghop-build.conf}"
build="$(cd "$APP_DIR" && .venv/bin/python -c 'from pathlib import Path; from core.assets import build_id; print(build_id(Path("static")))')"
cat >"$OUT" <<CONF
# Written by deploy/nginx-build-id.sh for build $build
map \$build \$phonghop_static_cache {
    $build  "public, max-age=31536000, immutable";
    default "no-cache";
}
CONF
echo "static build $build -> $OUT"
