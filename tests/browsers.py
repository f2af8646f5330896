"""Debian's chromium through Playwright, and delegates' pages signed in through the real login form
whose console errors fail the test: shared by tests/browser (one server) and tests/cluster
(several processes behind nginx)."""

import contextlib
import re
from pathlib import Path

import pytest

from tests.live_server import DEMO_PASSWORD

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


@contextlib.contextmanager
def chromium(*extra_args: str):
    """One browser for a test session; skips the tests that need it where it is not installed."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *extra_args]
        )
        try:
            yield browser
        finally:
            browser.close()


class Devices:
    """Each delegate's device is its own browser profile (cookies, storage, service worker).

    `noise` matches console errors the test expects (the network's own while it is cut); any other
    console error or uncaught exception is collected in `errors`, which the fixture asserts empty.
    """

    def __init__(
        self, browser, base_url: str, *, timeout_ms: int = 15_000, noise: re.Pattern | None = None, **options
    ):
        self.browser, self.base_url, self.timeout_ms = browser, base_url, timeout_ms
        self.noise, self.options = noise, options
        self.contexts: list = []
        self.errors: list[str] = []

    def open(self, device: dict, username: str | None = None, cookies: dict[str, str] | None = None):
        """A page on the login form, signed in as `username` if given; `cookies` are set first."""
        context = self.browser.new_context(base_url=self.base_url, **device, **self.options)
        context.set_default_timeout(self.timeout_ms)
        if cookies:
            context.add_cookies([{"name": k, "value": v, "url": self.base_url} for k, v in cookies.items()])
        self.contexts.append(context)
        page = context.new_page()

        def console(message):
            if message.type == "error" and not (self.noise and self.noise.search(message.text)):
                self.errors.append(f"{username}: {message.text}")

        page.on("console", console)
        page.on("pageerror", lambda error: self.errors.append(f"{username}: {error}"))
        page.goto("/login")
        if username:
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{self.base_url}/")
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()
