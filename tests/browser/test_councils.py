"""A council's office clerk keeps its roster from a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.test_meeting_list import _api_as

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_the_clerk_adds_a_delegate_to_the_roster_and_takes_them_off_again(open_page, live_server):
    _api_as(live_server, "admin")(
        "POST", "/api/users", {"username": "daibieumoi", "password": "matkhau123", "full_name": "Hà Thị Mới"}
    )
    clerk = open_page(PHONE, "secretary")
    clerk.get_by_role("link", name="Hội đồng").click()
    clerk.get_by_role("link", name="Hội đồng nhân dân xã Thần Sa").click()
    count = clerk.locator(".roster-count")
    before = int(count.inner_text())

    clerk.fill("#member-username", "daibieumoi")
    clerk.get_by_role("button", name="Thêm", exact=True).click()
    row = clerk.locator(".roster-list .member-row", has_text="Hà Thị Mới")
    expect(row).to_be_visible()
    expect(count).to_have_text(str(before + 1))
    assert clerk.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")

    row.get_by_role("button").click()
    dialog = clerk.locator(".confirm-dialog")
    expect(dialog).to_contain_text("sẽ không còn thấy các kỳ họp của hội đồng")
    dialog.get_by_role("button", name="Đưa ra").click()
    expect(row).to_have_count(0)
    expect(count).to_have_text(str(before))
    clerk.reload()
    expect(clerk.locator(".roster-list .member-row", has_text="Hà Thị Mới")).to_have_count(0)
