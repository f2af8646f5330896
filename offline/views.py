"""The service worker script, at a URL that never changes (`/sw.js`, scope `/`).

The worker's own logic is an ordinary static file (`static/js/offline/sw.js`) under the build id, like
every other script; this route only names the current build: the Workbox modules and the worker logic
to import, and the static files to keep on the device. A new build changes these bytes, so the
browser installs the new worker, which drops the files of the old build (docs/offline.md).
"""

from flask import Blueprint, Response, current_app, render_template

from core.assets import served_files

bp = Blueprint("offline", __name__)

WORKBOX_MODULES = ("core", "routing", "strategies", "precaching")
# Imported by the worker itself, so not needed in the cache of files the pages load.
_WORKER_ONLY_PREFIXES = tuple(f"vendor/workbox/workbox-{m}.prod.js" for m in WORKBOX_MODULES)


def static_files(app) -> list[str]:
    """Every file the pages may load (scripts, styles, vendor libraries; bundled where built)."""
    return [
        name for name in served_files(app) if name not in _WORKER_ONLY_PREFIXES and name != "js/offline/sw.js"
    ]


@bp.get("/sw.js")
def service_worker():
    prefix = current_app.static_url_path + "/"
    scripts = [f"{prefix}vendor/workbox/workbox-{module}.prod.js" for module in WORKBOX_MODULES]
    scripts.append(f"{prefix}js/offline/sw.js")
    config = {
        "static_prefix": prefix,
        "precache": [prefix + name for name in static_files(current_app)],
    }
    body = render_template("offline/sw.js", config=config, scripts=scripts)
    response = Response(body, mimetype="text/javascript")
    # Browsers re-check a worker at most daily anyway; no-cache makes a new build reach them at once.
    response.headers["Cache-Control"] = "no-cache"
    return response
