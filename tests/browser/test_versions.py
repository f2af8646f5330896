"""A delegate's comment follows the draft into its new version, with what changed beside it."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TABLET
from tests.conftest import MEETING_PACK

pytestmark = [pytest.mark.browser, pytest.mark.server]


def _pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": (MEETING_PACK / name).read_bytes()}


def test_a_comment_on_an_edited_paragraph_shows_on_the_new_version_with_the_edit(open_page):
    secretary = open_page(TABLET, "secretary")
    meetings = secretary.request.get("/api/meetings").json()
    meeting_id = next(
        m["id"] for m in meetings if m["title"].startswith("Kỳ họp thứ Mười hai")
    )  # the demo's, delegates in it
    item = secretary.request.post(
        f"/api/meetings/{meeting_id}/agenda", data={"title": "Dự thảo sửa đổi"}
    ).json()
    first = secretary.request.post(
        f"/api/agenda/{item['id']}/documents",
        multipart={"file": _pdf("du-thao-nghi-quyet-v1.pdf"), "title": "Dự thảo để thử bản sửa"},
    ).json()

    delegate = open_page(TABLET, "delegate3")
    delegate.goto(f"/documents/{first['id']}")
    delegate.locator('.page[data-page="1"] .pmark:not(.unlabelled)', has_text="3").click()
    delegate.locator("[data-composer] textarea").fill("Đề nghị nói rõ đơn vị chủ trì.")
    delegate.locator("[data-composer] button[type=submit]").click()
    expect(delegate.locator('.page[data-page="1"] .pmark.has-comments')).to_have_count(1)

    replaced = secretary.request.post(
        f"/api/documents/{first['id']}/replace",
        multipart={"file": _pdf("du-thao-nghi-quyet-v2.pdf"), "title": "Dự thảo để thử bản sửa"},
    ).json()

    # the delegate still reading the old version is told, and follows the comments to the new one
    dialog = delegate.locator("dialog.confirm-dialog")
    expect(dialog).to_contain_text("phiên bản 2")
    dialog.get_by_role("button", name="Mở bản mới").click()
    delegate.wait_for_url(f"**/documents/{replaced['id']}*")
    mark = delegate.locator('.page[data-page="1"] .pmark.has-comments')
    expect(mark).to_have_count(1)
    expect(mark.locator(".pmark-number")).to_have_text("3")
    expect(delegate.locator('.page[data-page="1"] .pmark.has-comments.changed-edited')).to_have_count(1)
    expect(delegate.locator(".pmark.changed-added")).to_have_count(1)  # the new "9. Giao Ủy ban"
    mark.click()
    panel = delegate.locator("#annot-panel")
    expect(panel.locator(".comment-body")).to_have_text("Đề nghị nói rõ đơn vị chủ trì.")
    expect(panel.locator(".tag.carried-edited")).to_be_visible()
    expect(panel.locator(".paragraph-diff ins").first).to_be_visible()
    panel.locator("[data-show-all]").click()
    expect(panel.locator(".changes-list summary")).to_contain_text("1 đoạn bỏ")
