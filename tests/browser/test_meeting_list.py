"""Open pages stay current: new meetings reach a delegate's list, agenda changes the meeting page."""

import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, PHONE, TABLET

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_published_meeting_appears_on_the_delegates_open_list(open_page):
    delegate = open_page(PHONE, "delegate2")
    cards = delegate.locator(".meeting-card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Kỳ họp thứ Mười hai")
    expect(cards.first).to_contain_text("Đại biểu")
    delegate.wait_for_function("() => window.PH.live() && window.PH.live().connected")
    delegate.evaluate("() => { window.stillTheSamePage = true; }")

    secretary = open_page(PHONE, "secretary")
    secretary.get_by_role("button", name="Tạo kỳ họp").click()
    # the council the secretary runs is chosen already
    expect(secretary.locator("select[name=council_id]")).to_have_value(re.compile(r"^\d+$"))
    secretary.fill("input[name=title]", "Phiên họp chuyên đề tháng Mười hai")
    secretary.fill("input[name=date]", "2026-12-15")
    secretary.fill("input[name=time]", "08:30")
    secretary.fill("input[name=location]", "Phòng họp tầng 2")
    secretary.locator("#new-meeting button[type=submit]").click()
    secretary.wait_for_url(re.compile(r"/meetings/\d+$"))
    expect(secretary.locator(".status-panel")).to_contain_text("Bản nháp")
    expect(secretary.locator('[data-action="invite-roster"]')).to_be_visible()  # the council's roster
    assert secretary.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")

    secretary.fill("#invite-username", "delegate2")
    secretary.locator(".invite-form button[type=submit]").click()
    expect(secretary.locator('.member-row[data-username="delegate2"]')).to_be_visible()
    expect(cards).to_have_count(1)  # a draft stays out of the delegate's sight

    secretary.get_by_role("button", name="Phát hành kỳ họp").click()
    secretary.locator(".confirm-dialog").get_by_role("button", name="Phát hành").click()
    expect(secretary.locator(".status-panel")).to_contain_text("Đã phát hành")

    arrived = delegate.locator(".meeting-card", has_text="Phiên họp chuyên đề tháng Mười hai")
    expect(arrived).to_be_visible()
    expect(arrived).to_contain_text("15/12/2026 08:30")
    expect(arrived).to_contain_text("Phòng họp tầng 2")
    expect(arrived.locator(".badge.draft")).to_be_hidden()
    assert delegate.evaluate("() => window.stillTheSamePage") is True


def _api_as(base_url: str, username: str):
    """A tiny JSON client for the secretary's side of a test, through the real HTTP API."""
    login = urllib.request.Request(
        f"{base_url}/api/login",
        data=json.dumps({"username": username, "password": DEMO_PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(login) as response:
        token = json.load(response)["token"]

    def call(method: str, path: str, payload: dict | None = None):
        request = urllib.request.Request(
            f"{base_url}{path}",
            method=method,
            data=None if payload is None else json.dumps(payload).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request) as response:
            return json.load(response)

    return call


def test_open_meeting_page_follows_the_secretarys_changes(open_page, live_server):
    delegate = open_page(TABLET, "delegate4")
    delegate.locator(".meeting-card", has_text="Kỳ họp thứ Mười hai").click()
    delegate.wait_for_url(re.compile(r"/meetings/\d+$"))
    meeting_id = int(delegate.url.rsplit("/", 1)[1])
    delegate.wait_for_function("() => window.PH.live() && window.PH.live().connected")
    delegate.evaluate("() => { window.stillTheSamePage = true; }")

    secretary = _api_as(live_server, "secretary")
    secretary("POST", f"/api/meetings/{meeting_id}/agenda", {"title": "Chất vấn và trả lời chất vấn"})

    expect(delegate.locator(".agenda-title", has_text="Chất vấn và trả lời chất vấn")).to_be_visible()
    assert delegate.evaluate("() => window.stillTheSamePage") is True
