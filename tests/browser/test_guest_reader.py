"""A guest (khách mời: the demo's ubndxa, Chủ tịch UBND xã) reads the pack on a tablet: their own
marks and notes stay private with no share option offered, and they answer a delegate's comment in
its thread, labelled as a guest's answer for the delegate reading it."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TABLET
from tests.browser.test_live_annotations import SELECT_PHRASE, _draft_resolution, _open_reader

pytestmark = [pytest.mark.browser, pytest.mark.server]

GUEST = "ubndxa"  # floor/demo.py: Nông Văn Bình, Chủ tịch UBND xã Thần Sa


def _proposal(page) -> int:
    """The Tờ trình on digital transformation: no other browser test counts the comments on it."""
    meeting = page.request.get("/api/meetings").json()[0]
    agenda = page.request.get(f"/api/meetings/{meeting['id']}").json()["agenda"]
    documents = [d for item in agenda for d in item["documents"]]
    return next(d["id"] for d in documents if "CHUYỂN ĐỔI SỐ" in d["title"].upper())


def test_a_guests_reader_offers_no_share_option(open_page):
    page = open_page(TABLET, GUEST)
    _open_reader(page, _draft_resolution(page))

    page.locator('.page[data-page="1"] .pmark').nth(8).click()  # nothing is sent from this reader
    composer = page.locator("[data-composer]")
    composer.locator("textarea").click()
    private = composer.locator("input[name=private]")
    expect(private).to_be_checked()
    expect(private).to_be_disabled()
    expect(composer.locator("[data-guest-note]")).to_be_visible()
    expect(composer.locator("[data-guest-note]")).to_contain_text("chỉ mình đồng chí xem")
    page.locator("#annot-panel [data-close]").click()

    page.evaluate(SELECT_PHRASE, "Bí thư Đảng ủy xã Cúc Đường")
    menu = page.locator("[data-selection-menu]")
    expect(menu).to_be_visible()
    expect(menu.locator("[data-private-highlight]")).to_be_checked()
    expect(menu.locator("[data-private-highlight]")).to_be_disabled()

    page.locator("[data-tool=pen]").click()
    expect(page.locator("[data-options=pen]")).to_be_visible()
    expect(page.locator("[data-share-ink]")).to_be_hidden()


def test_a_guest_answers_a_delegates_comment_and_the_delegate_sees_it_labelled(open_page):
    delegate = open_page(TABLET, "delegate3")
    guest = open_page(TABLET, GUEST)
    document_id = _proposal(delegate)
    _open_reader(delegate, document_id)
    _open_reader(guest, document_id)
    question = "Đề nghị Ủy ban giải trình nguồn kinh phí cho nội dung này."
    delegate.locator('.page[data-page="1"] .pmark').nth(6).click()
    delegate.locator("[data-composer] textarea").fill(question)
    delegate.locator("[data-composer] button[type=submit]").click()

    guest.locator('.page[data-page="1"] .pmark').nth(6).click()
    asked = guest.locator("#annot-panel .comment", has_text=question)
    asked.get_by_role("button", name="Trả lời").click()
    composer = guest.locator("[data-composer]")
    expect(composer.locator("input[name=private]")).not_to_be_checked()
    expect(composer.locator("input[name=private]")).to_be_enabled()
    expect(composer.locator("[data-guest-note]")).to_be_hidden()
    answer = "Kinh phí bố trí từ ngân sách xã năm 2027, đã có trong dự toán."
    composer.locator("textarea").fill(answer)
    composer.locator("button[type=submit]").click()

    reply = delegate.locator("#annot-panel .comment.reply", has_text=answer)
    expect(reply).to_be_visible()
    expect(reply.locator(".guest-tag")).to_have_text("Khách mời")
    expect(reply.locator(".comment-office")).to_have_text("Chủ tịch UBND xã Thần Sa")
    expect(reply.locator(".comment-author")).to_have_text("Nông Văn Bình")
