"""A real server (`python wsgi.py`, gevent) with the demo meeting, driven by Debian's chromium."""

from pathlib import Path

import pytest

from tests.live_server import DEMO_PASSWORD, LiveServer, make_demo_data

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TABLET = {"viewport": {"width": 820, "height": 1180}, "device_scale_factor": 2, "has_touch": True}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The whole app as users get it, with the demo meeting built from the shared pack."""
    template = tmp_path_factory.mktemp("demo-data")
    make_demo_data(template)
    server = LiveServer(template, tmp_path_factory.mktemp("live-server") / "data")
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, live_server):
    """`open_page(device, username)`: a signed-in page in its own context; console errors fail the test."""
    contexts, errors = [], []

    def factory(device: dict, username: str | None = None):
        context = browser.new_context(base_url=live_server, **device)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda msg: msg.type == "error" and errors.append(f"{username}: {msg.text}"))
        page.on("pageerror", lambda error: errors.append(f"{username}: {error}"))
        page.goto("/login")
        if username:
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{live_server}/")
        return page

    yield factory
    for context in contexts:
        context.close()
    assert errors == [], "errors in the browser console"
