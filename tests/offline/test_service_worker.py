"""The service worker is served from one URL that never changes and names only this build's files."""

import re
from pathlib import Path

from tests.conftest import ROOT


def test_the_worker_lives_at_a_stable_url_and_is_always_rechecked(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"  # a new build reaches devices at once


def test_the_worker_imports_workbox_and_its_logic_from_this_build_on_our_own_host(app, client):
    body = client.get("/sw.js").get_data(as_text=True)
    prefix = app.static_url_path + "/"
    imported = re.search(r"importScripts\((.*)\);", body).group(1)
    urls = re.findall(r'"([^"]+)"', imported)
    assert urls[-1] == f"{prefix}js/offline/sw.js"
    modules = ("core", "routing", "strategies", "precaching")
    workbox = {f"{prefix}vendor/workbox/workbox-{m}.prod.js" for m in modules}
    assert workbox <= set(urls)
    for url in urls:
        assert url.startswith(prefix)
        response = client.get(url)
        response.close()
        assert response.status_code == 200, url


def test_every_static_file_a_page_loads_is_kept_for_offline_use(app, client):
    body = client.get("/sw.js").get_data(as_text=True)
    prefix = app.static_url_path + "/"
    static = Path(app.static_folder)
    pages_load = ["js/app.js", "js/reader/main.js", "css/reading.css", "css/app.css"]
    bundles = app.extensions.get("bundles")
    if bundles:  # the bundles and their chunks (the page view's, imported only when it is shown, too)
        pages_load += [name for name in bundles.files if name != "js/offline/sw.js"]
    else:  # the source modules, each imported by URL
        pages_load += [
            "js/reader/zoom.js",
            "js/reader/chunks.js",
            "js/annotate.js",
            "js/annotate/live.js",
            "js/offline/pack.js",
        ]
        pages_load += ["vendor/workbox/workbox-window.prod.mjs"]
    for name in pages_load:
        response = client.get(prefix + name)
        response.close()
        assert response.status_code == 200, name
        assert f'"{prefix}{name}"' in body, name
    assert (static / "vendor/socket.io.min.js").is_file()
    assert f'"{prefix}vendor/socket.io.min.js"' in body
    assert "http://" not in body
    assert "https://" not in body


def test_the_worker_url_is_outside_the_immutable_static_path(client):
    # Under /static/<build>/ it would be cached for a year and change URL with every build.
    response = client.get("/sw.js")
    assert "immutable" not in response.headers.get("Cache-Control", "")


def test_workbox_comes_from_the_lockfile():
    lock = (ROOT / "package-lock.json").read_text()
    for module in ("core", "routing", "strategies", "precaching", "window"):
        assert f'"node_modules/workbox-{module}"' in lock
