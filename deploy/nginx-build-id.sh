#!/usr/bin/env bash
# Writes /etc/nginx/phonghop-build.conf: the static build id of the code in APP_DIR is cached for a
# year by browsers, any other build id revalidated (core/assets.py). Run at install and upgrade,
# then `nginx -t && systemctl reload nginx`.
set -euo pipefail
APP_DIR="${APP_DIR:-/opt/phonghop/app}"
OUT="${1:-/etc/nginx/phonghop-build.conf}"
build="$(cd "$APP_DIR" && .venv/bin/python -c 'from pathlib import Path; from core.assets import build_id; print(build_id(Path("static")))')"
# The app serves static/dist's bundles only while they were built from today's sources (and
# STATIC_BUNDLES is not off, as in the app's environment); nginx must serve the same files.
bundles="$(cd "$APP_DIR" && .venv/bin/python -c 'from pathlib import Path; from core.assets import load_bundles; print("dist/" if load_bundles(Path("static"), Path("templates")) else "")' 2>/dev/null)"
case "$(echo "${STATIC_BUNDLES:-on}" | tr '[:upper:]' '[:lower:]')" in
  0|off|false) bundles="" ;;
esac
cat >"$OUT" <<CONF
# Written by deploy/nginx-build-id.sh for build $build
map \$build \$phonghop_static_cache {
    $build  "public, max-age=31536000, immutable";
    default "no-cache";
}
# Where a static file is looked for first: "dist/" when the build has current bundles.
map \$build \$phonghop_bundles {
    default "$bundles";
}
CONF
echo "static build $build${bundles:+ (bundles)} -> $OUT"
