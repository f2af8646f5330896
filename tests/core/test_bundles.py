"""One minified script per page when built (scripts/build_static.mjs), the source modules otherwise."""

import json
import shutil
import subprocess

import pytest
from flask import Flask

from core.assets import load_bundles, register_static_caching, source_hash
from tests.conftest import ROOT

ESBUILD = ROOT / "node_modules" / "esbuild"


def _sources(root):
    (root / "static/js/sitting").mkdir(parents=True)
    (root / "static/css").mkdir()
    (root / "templates/sittings").mkdir(parents=True)
    (root / "static/js/app.js").write_text(
        'export const hello = (name) => "Xin chào " + name;\nwindow.PH = { hello };\n'
    )
    (root / "static/js/sitting/hall.js").write_text(
        'import { hello } from "../app.js";\n'
        "document.body.dataset.greeting = hello('đại biểu');\n"
        'import("./later.js").then((later) => later.start());\n'
    )
    (root / "static/js/sitting/later.js").write_text("export function start() {\n  return 42;\n}\n")
    (root / "static/css/app.css").write_text("body {\n  margin: 0;\n}\n")
    (root / "templates/sittings/hall.html").write_text(
        "<script type=\"module\" src=\"{{ url_for('static', filename='js/app.js') }}\"></script>\n"
        "<script type=\"module\" src=\"{{ url_for('static', filename='js/sitting/hall.js') }}\"></script>\n"
    )


def _app(root):
    folders = {"static_folder": str(root / "static"), "template_folder": str(root / "templates")}
    app = Flask("bundles", static_url_path="/static/b1", **folders)
    register_static_caching(app)
    return app


def _get(app_or_client, url):
    """Status and text of a static file (closed: warnings are errors)."""
    client = app_or_client.test_client() if isinstance(app_or_client, Flask) else app_or_client
    with client.get(url) as response:
        return response.status_code, response.get_data(as_text=True)


def _build(root):
    (root / "scripts").mkdir()
    shutil.copy(ROOT / "scripts/build_static.mjs", root / "scripts/build_static.mjs")
    (root / "node_modules").symlink_to(ROOT / "node_modules")
    subprocess.run(
        ["node", "scripts/build_static.mjs"], cwd=root, check=True, capture_output=True, timeout=60
    )


@pytest.mark.skipif(not ESBUILD.is_dir() or not shutil.which("node"), reason="scripts/vendor.sh not run")
def test_a_new_pages_module_script_is_bundled_with_no_list_to_edit(tmp_path):
    _sources(tmp_path)
    _build(tmp_path)
    manifest = json.loads((tmp_path / "static/dist/manifest.json").read_text())
    assert manifest["source_hash"] == source_hash(tmp_path / "static", tmp_path / "templates")
    assert {"js/app.js", "js/sitting/hall.js", "css/app.css"} <= set(manifest["files"])
    later = manifest["needs"]["js/sitting/hall.js"]["dynamic"]  # what a template may preload
    assert len(later) == 1
    assert later[0].startswith("js/chunks/")

    client = _app(tmp_path).test_client()
    hall = _get(client, "/static/b1/js/sitting/hall.js")[1]
    assert "\n  " not in hall  # minified
    assert "Xin chào" not in hall  # app.js is one shared chunk: one PH for every page's modules
    assert _get(client, "/static/b1/" + later[0])[0] == 200
    assert _get(client, "/static/b1/css/app.css")[1].strip() == "body{margin:0}"


def test_a_build_from_other_sources_is_ignored_and_the_source_modules_are_served(tmp_path):
    _sources(tmp_path)
    dist = tmp_path / "static/dist/js/sitting"
    dist.mkdir(parents=True)
    (dist / "hall.js").write_text("/* an old bundle */")
    manifest = {"source_hash": "0" * 64, "files": ["js/sitting/hall.js"], "needs": {}}
    (tmp_path / "static/dist/manifest.json").write_text(json.dumps(manifest))
    assert load_bundles(tmp_path / "static", tmp_path / "templates") is None
    assert "hello('đại biểu')" in _get(_app(tmp_path), "/static/b1/js/sitting/hall.js")[1]

    manifest["source_hash"] = source_hash(tmp_path / "static", tmp_path / "templates")
    (tmp_path / "static/dist/manifest.json").write_text(json.dumps(manifest))
    assert _get(_app(tmp_path), "/static/b1/js/sitting/hall.js")[1] == "/* an old bundle */"


def test_no_bundle_at_all_serves_the_source_modules(tmp_path):
    _sources(tmp_path)
    app = _app(tmp_path)
    assert app.extensions["bundles"] is None
    assert "export function start" in _get(app, "/static/b1/js/sitting/later.js")[1]
