"""The sitting in the hall: a delegate checks in with the code on the screen, votes from a phone
that loses its link after the tap and is counted once, and the chair closing the vote is told
who has not been acknowledged."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET

pytestmark = [pytest.mark.browser, pytest.mark.server]


def _meeting_id(page) -> int:
    return page.request.get("/api/meetings").json()[0]["id"]


def test_check_in_with_the_hall_code_then_vote_offline_and_the_chair_closes(open_page):
    chair = open_page(TABLET, "chair")
    meeting_id = _meeting_id(chair)
    chair.goto(f"/meetings/{meeting_id}/sitting")
    code = chair.locator("[data-checkin-code]")
    expect(code).to_have_text(re.compile(r"^[A-Z0-9]{5}$"))
    expect(chair.locator("[data-screen-attendance]")).to_contain_text("4/6")

    # The phone checks in with the code on the hall screen; the hall sees it at once.
    phone = open_page(PHONE, "delegate4")
    phone.goto(f"/meetings/{meeting_id}")
    phone.click("[data-sitting-vote-link]")
    phone.fill("[data-checkin-form] input[name=code]", code.inner_text())
    phone.click("[data-checkin-form] button[type=submit]")
    expect(phone.locator("[data-vote-attendance]")).to_contain_text("Bạn đã điểm danh có mặt")
    expect(chair.locator("[data-screen-attendance]")).to_contain_text("Có mặt 5/6 · đủ điều kiện tiến hành")

    # The secretary prepares the vote; the chair opens it.
    secretary = open_page(TABLET, "secretary")
    secretary.goto(f"/meetings/{meeting_id}/sitting")
    title = f"Nghị quyết về giao thông nông thôn {uuid.uuid4().hex[:4]}"
    secretary.fill("[data-poll-form] input[name=title]", title)
    secretary.click("[data-poll-form] button[type=submit]")
    row = chair.locator(".poll-row", has_text=title)
    row.get_by_role("button", name="Mở biểu quyết").click()
    expect(row).to_contain_text("Đang biểu quyết")
    poll_id = int(row.get_attribute("data-poll-id"))

    # The phone loses its link just after the tap: the ballot waits in the outbox, then goes once.
    ballot = phone.locator(f'.ballot-card[data-poll-id="{poll_id}"]')
    expect(ballot.locator('[data-choice="for"]')).to_be_visible()
    phone.context.set_offline(True)
    phone.evaluate("() => window.PH.live().io.engine.close()")
    ballot.locator('[data-choice="for"]').click()
    phone.locator("dialog .button.primary").click()
    expect(ballot.locator("[data-ballot-pending]")).to_be_visible()
    phone.context.set_offline(False)
    expect(ballot.locator("[data-ballot-recorded]")).to_have_text(
        re.compile(r"^Đã ghi nhận · mã [A-Z0-9]{4}$")
    )

    # Three more present delegates vote; one (Triệu Thị Hoa) has not when the chair closes.
    outside = open_page(TABLET).request  # a context of its own: logging in must not sign the chair out
    for username in ("chair", "delegate1", "delegate2"):
        token = outside.post("/api/login", data={"username": username, "password": "phonghop"}).json()[
            "token"
        ]
        answer = outside.post(
            f"/api/polls/{poll_id}/ballots",
            data={"ballot_id": uuid.uuid4().hex, "choice": "for"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.ok, answer.text()
    expect(row.locator("[data-poll-waiting]")).to_have_text("Chưa ghi nhận phiếu: Triệu Thị Hoa")
    row.get_by_role("button", name="Kết thúc biểu quyết").click()
    dialog = chair.locator("dialog")
    expect(dialog).to_contain_text("Còn 1 đại biểu có mặt chưa được ghi nhận phiếu: Triệu Thị Hoa")
    dialog.locator(".button.danger").click()
    result = "Tán thành 4/6 đại biểu (66,67% tổng số đại biểu) — THÔNG QUA"
    expect(row.locator("[data-poll-result]")).to_have_text(result)
    expect(chair.locator("[data-screen-poll]")).to_contain_text(result)
    counts = chair.request.get(f"/api/polls/{poll_id}").json()["counts"]
    assert counts == {"for": 4, "against": 0, "abstain": 0, "not_voted": 1, "absent": 1}
