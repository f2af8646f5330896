"""Static files under a build id, so browsers keep them for a year and never re-check.

Every static URL is `/static/<build>/<path>`, where `<build>` is a hash of the whole static
folder (our scripts and styles, and the npm libraries `scripts/vendor.sh` copies in). A change
to any file gives every URL a new build id, which is also what keeps ES module imports
(`./annotate/live.js`, resolved against the importing URL) on the same version. A page still
holding an older build id (a node not yet upgraded, an open tab) gets today's file, revalidated
rather than immutable, instead of a 404.
"""

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app, request, send_from_directory

log = logging.getLogger(__name__)
DIST = "dist"  # scripts/build_static.mjs writes the bundles here, mirroring static/

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


def source_hash(static_folder: Path, templates_folder: Path) -> str:
    """What the bundles were built from (static/ less dist/, and the templates that name the entry
    points): the same hash scripts/build_static.mjs writes into dist/manifest.json."""
    static_folder, templates_folder = static_folder.resolve(), templates_folder.resolve()
    root = static_folder.parent
    files = [
        p
        for p in static_folder.rglob("*")
        if p.is_file() and DIST not in p.relative_to(static_folder).parts[:1]
    ]
    files += [p for p in templates_folder.rglob("*") if p.is_file()]
    digest = hashlib.sha256()
    for name, path in sorted((p.relative_to(root).as_posix(), p) for p in files):
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass
class Bundles:
    """The minified bundles of a build, each served at its source's own URL (static/dist mirrors static/)."""

    folder: Path
    files: frozenset[str]
    needs: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    chunks: dict[str, str] = field(default_factory=dict)  # a module imported when asked -> its chunk

    def modules_for(self, entries, later=True) -> list[str]:
        """The chunks the given entry points import at once and, with `later`, those they import
        only when asked: what a template preloads. `later` may name the source modules of one view
        (the page view's), so the chunks of the others (the annotations, loaded after the first
        page is drawn) are not preloaded."""
        kinds = ("static", "dynamic") if later is True else ("static",)
        needs = [self.needs.get(entry, {}) for entry in entries]
        found = {chunk for need in needs for kind in kinds for chunk in need.get(kind, ())}
        for source in () if isinstance(later, bool) else later:
            chunk = self.chunks.get(source)
            if chunk:
                found |= {chunk, *self.needs.get(chunk, {}).get("static", ())}
        return sorted(found)


def load_bundles(static_folder: Path, templates_folder: Path) -> Bundles | None:
    """The bundles, when they were built from exactly today's sources; else None and the source
    modules are served (a developer's edit, a checkout without `scripts/vendor.sh`): never a stale build."""
    manifest_path = static_folder / DIST / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError):
        return None
    if manifest.get("source_hash") != source_hash(static_folder, templates_folder):
        log.warning(
            "static/dist was built from other sources: serving the source modules (run scripts/vendor.sh)"
        )
        return None
    return Bundles(
        static_folder / DIST,
        frozenset(manifest["files"]),
        manifest.get("needs", {}),
        manifest.get("chunks", {}),
    )


def served_files(app: Flask) -> list[str]:
    """Every file the pages may load, as named under the static URL: with bundles, the bundles and
    chunks instead of the source modules and styles they were built from."""
    folder = Path(app.static_folder)
    names = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    names = {name for name in names if not name.startswith(DIST + "/")}
    bundles = app.extensions.get("bundles")
    if bundles:
        bundled = ("js/", "css/")  # and the npm ES modules the bundles hold
        names = {
            name for name in names if not name.startswith(bundled) and not name.endswith(".mjs")
        } | bundles.files
    return sorted(names)


def page_modules(entries, sources=(), later=True) -> list[str]:
    """What a template preloads for a view: the bundles' chunks, or the source modules without bundles
    (`later`: as in Bundles.modules_for)."""
    bundles = current_app.extensions.get("bundles")
    return bundles.modules_for(entries, later) if bundles else list(sources)


def register_static_caching(app: Flask) -> None:
    """Immutable caching for current URLs; revalidation for any other build id."""
    send_static = app.view_functions["static"]
    bundles = None
    if app.config.get("STATIC_BUNDLES", True):
        bundles = load_bundles(Path(app.static_folder), Path(app.root_path) / app.template_folder)
    app.extensions["bundles"] = bundles
    app.jinja_env.globals["page_modules"] = page_modules

    def static(filename: str):
        if bundles and filename in bundles.files:
            return _buffered(
                send_from_directory(bundles.folder, filename, max_age=app.get_send_file_max_age(filename))
            )
        return _buffered(send_static(filename=filename))

    def any_build(build: str, filename: str):
        folder = bundles.folder if bundles and filename in bundles.files else app.static_folder
        response = _buffered(send_from_directory(folder, filename, max_age=0))
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
