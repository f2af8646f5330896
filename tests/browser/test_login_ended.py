"""A login ended elsewhere (the password changed on another device) is said on the open page, with
the way back in: the page does not sit silently offline."""

import re

import pytest
import requests
from playwright.sync_api import expect

from tests.browsers import TABLET, Devices
from tests.live_server import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.server]

NEW_PASSWORD = "Doi-mat-khau-2026"


def _change_password(url: str, token: str, old: str, new: str) -> str:
    changed = requests.post(
        f"{url}/api/me/password",
        json={"old_password": old, "new_password": new},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert changed.status_code == 200, changed.text
    return changed.json()["token"]


def test_a_login_ended_elsewhere_is_said_on_the_open_reader_with_a_way_back_in(browser, live_server):
    # The page asks the server who it is and hears 401: the browser logs that failed request.
    devices = Devices(browser, live_server, noise=re.compile(r"status of 401"))
    try:
        page = devices.open(TABLET, "delegate4")
        page.locator(".meeting-card", has_text="Kỳ họp thứ Mười hai").click()
        page.locator(".doc-link", has_text="28 trang").click()
        page.wait_for_url(re.compile(r"/documents/\d+"))
        page.wait_for_function("() => window.PH.live() && window.PH.live().connected", timeout=30_000)
        notice = page.locator("#login-ended")
        expect(notice).to_be_hidden()

        login = requests.post(
            f"{live_server}/api/login", json={"username": "delegate4", "password": DEMO_PASSWORD}, timeout=10
        ).json()["token"]
        token = _change_password(live_server, login, DEMO_PASSWORD, NEW_PASSWORD)  # every login ends
        try:
            expect(notice).to_be_visible(timeout=15_000)
            expect(notice).to_contain_text("Phiên đăng nhập đã kết thúc")
            back = notice.get_by_role("link", name="Đăng nhập lại")
            assert re.match(r"/login\?next=%2Fdocuments%2F\d+", back.get_attribute("href"))
        finally:  # the demo's password again, for the tests after this one
            _change_password(live_server, token, NEW_PASSWORD, DEMO_PASSWORD)
    finally:
        devices.close()
    assert devices.errors == [], "errors in the browser console"
