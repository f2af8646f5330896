"""A real server (`python wsgi.py`, gevent) with the demo meeting, driven by Debian's chromium."""

import pytest

from tests.browsers import CHROMIUM, CHROMIUM_ARGS, PHONE, TABLET, Devices, chromium
from tests.live_server import DEMO_PASSWORD, LiveServer, make_demo_data

# Named here too: the tests, benchmarks and scripts import them from this module.
__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "DEMO_PASSWORD", "PHONE", "TABLET"]


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
    with chromium() as launched:
        yield launched


@pytest.fixture
def open_page(browser, live_server):
    """`open_page(device, username)`: a signed-in page in its own context; console errors fail the test."""
    devices = Devices(browser, live_server)
    yield devices.open
    devices.close()
    assert devices.errors == [], "errors in the browser console"
