"""Static files under a build id, so browsers keep them for a year and never re-check.

Every static URL is `/static/<build>/<path>`, where `<build>` is a hash of the whole static
folder (our scripts and styles, and the npm libraries `scripts/vendor.sh` copies in). A change
to any file gives every URL a new build id, which is also what keeps ES module imports
(`./annotate/live.js`, resolved against the importing URL) on the same version. A page still
holding an older build id (a node not yet upgraded, an open tab) gets today's file, revalidated
rather than immutable, instead of a 404.
"""

import hashlib
from pathlib import Path

from flask import Flask, request, send_from_directory

IMMUTABLE = "public, max-age=31536000, immutable"
# What an immutable URL never needs: it is never revalidated, ranged or saved. Each is ~40-70 bytes
# on each of the reader's twenty-odd files, a few KB of a phone's first screen.
UNNEEDED_ON_IMMUTABLE = ("ETag", "Last-Modified", "Expires", "Accept-Ranges", "Content-Disposition")


def _buffered(response):
    """Our static files are small: read them whole (closing the file), so Flask-Compress compresses
    them as one body. Its streaming path would drop the file's close() and leak a descriptor."""
    if response.direct_passthrough and response.status_code == 200:
        response.direct_passthrough = False
        response.make_sequence()
    return response


def build_id(static_folder: Path) -> str:
    """Same files, same id, on every node of a deployment."""
    digest = hashlib.sha256()
    for path in sorted(p for p in static_folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(static_folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def register_static_caching(app: Flask) -> None:
    """Immutable caching for current URLs; revalidation for any other build id."""
    send_static = app.view_functions["static"]

    def static(filename: str):
        return _buffered(send_static(filename=filename))

    def any_build(build: str, filename: str):
        response = _buffered(send_from_directory(app.static_folder, filename, max_age=0))
        response.headers["Cache-Control"] = "no-cache"
        return response

    app.view_functions["static"] = static
    app.add_url_rule("/static/<build>/<path:filename>", "static_any_build", any_build)

    @app.after_request
    def cache_static(response):
        if request.endpoint == "static" and response.status_code in (200, 304):
            response.headers["Cache-Control"] = IMMUTABLE
            for name in UNNEEDED_ON_IMMUTABLE:
                response.headers.pop(name, None)
        return response
