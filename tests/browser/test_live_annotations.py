"""Two delegates on tablets: what one highlights and says appears for the other without reloading."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET

pytestmark = [pytest.mark.browser, pytest.mark.server]

SELECT_PHRASE = """(phrase) => {
    const spans = [...document.querySelectorAll('.page[data-page="1"] .text-layer span')];
    const words = phrase.split(' ');
    const start = spans.findIndex(
        (_, i) => words.every((w, k) => spans[i + k] && spans[i + k].textContent.trim() === w));
    const end = spans[start + words.length - 1];
    const range = document.createRange();
    range.setStart(spans[start].firstChild, 0);
    range.setEnd(end.firstChild, end.textContent.trimEnd().length);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
}"""


def _draft_resolution(page) -> int:
    meeting = page.request.get("/api/meetings").json()[0]
    agenda = page.request.get(f"/api/meetings/{meeting['id']}").json()["agenda"]
    return next(d["id"] for item in agenda for d in item["documents"] if "LẦN 2" in d["title"].upper())


def _open_reader(page, document_id: int) -> None:
    page.goto(f"/documents/{document_id}?view=pages")
    expect(page.locator('.page[data-page="1"] .text-layer span').first).to_be_attached()
    expect(page.locator('.page[data-page="1"] .pmark').first).to_be_visible()


def test_a_highlight_and_a_comment_appear_live_for_another_delegate(open_page):
    author = open_page(TABLET, "delegate1")
    reader = open_page(TABLET, "delegate2")
    document_id = _draft_resolution(author)
    _open_reader(author, document_id)
    _open_reader(reader, document_id)
    expect(reader.locator("[data-presence-count]")).to_have_text("2")

    author.evaluate(SELECT_PHRASE, "Bí thư Đảng ủy xã Cúc Đường")
    author.locator("[data-selection-menu] [data-highlight='green']").click()
    expect(reader.locator('.page[data-page="1"] .annot-highlights rect')).to_have_count(1)
    highlight = reader.locator('.page[data-page="1"] .annot-highlights g')
    expect(highlight).to_have_attribute("fill", "#81c784")

    author.locator('.page[data-page="1"] .pmark').nth(6).click()
    body = "Đề nghị ghi rõ <b>thời hạn</b> hoàn thành."
    author.locator("[data-composer] textarea").fill(body)
    author.locator("[data-composer] button[type=submit]").click()

    mark = reader.locator('.page[data-page="1"] .pmark.has-comments')
    expect(mark).to_have_count(1)
    expect(mark.locator(".pmark-count")).to_have_text("1")
    expect(reader.locator("[data-comment-count]")).to_have_text("1")
    mark.click()
    comment = reader.locator("#annot-panel .comment-body")
    expect(comment).to_have_text(body)
    assert comment.locator("b").count() == 0
    # the seventh paragraph counted (letterhead lines and title included) is printed "2."
    expect(mark.locator(".pmark-number")).to_have_text("2")
    expect(reader.locator("#annot-panel [data-panel-title]")).to_have_text("Đoạn 2")


def test_on_a_phone_only_the_paragraph_number_opens_its_comments_and_no_keyboard_pops_up(open_page):
    page = open_page(PHONE, "delegate4")
    _open_reader(page, _draft_resolution(page))
    words = page.locator('.page[data-page="1"] .text-layer span')
    words.nth(40).tap()
    page.wait_for_timeout(600)  # a tap is judged after the selection it may start has settled
    expect(page.locator("#annot-panel")).to_be_hidden()

    # The first printed number in the margin (which marks fit depends on the comments already there).
    mark = page.locator('.page[data-page="1"] .pmark:not(.unlabelled)').first
    label = mark.locator(".pmark-number").inner_text()
    mark.tap()
    title = page.locator("#annot-panel [data-panel-title]")
    expect(title).to_have_text(re.compile(rf"\b{re.escape(label)}\b"))
    assert page.evaluate("() => document.activeElement.matches('textarea')") is False
