"""Paragraph numbers in a phone's page-view margin stand beside their own paragraph, at any text size."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.live_server import DEMO_PASSWORD, ROOT

LEGAL_DRAFT = ROOT.parent / "shared" / "fixtures" / "legal" / "du-thao-nghi-quyet-dieu-khoan.pdf"

# Each drawn mark against its paragraph's first line, in CSS pixels of the screen: how far below it
# the mark's top is, and a line of the page's text (the shortest text-layer word box).
MARK_DRIFT = """(n) => {
    const s = window.PHReader.scale(n);
    const page = window.PHReader.pageElement(n).getBoundingClientRect();
    const heights = [...window.PHReader.pageElement(n).querySelectorAll('.text-layer span')]
        .map((w) => w.getBoundingClientRect().height).filter((h) => h > 0).sort((a, b) => a - b);
    const line = heights[Math.floor(heights.length / 4)];
    return [...document.querySelectorAll(`.page[data-page="${n}"] .pmark`)].map((mark) => ({
        paragraph: Number(mark.dataset.paragraph),
        label: mark.querySelector('.pmark-number').textContent,
        top: mark.getBoundingClientRect().top - page.top,
        scale: s,
        line,
    }));
}"""


@pytest.fixture(scope="module")
def legal_draft(browser, live_server):
    """The legal draft (Điều, khoản) in a meeting of its own that delegate1 may read."""
    context = browser.new_context(base_url=live_server)
    api = context.request
    assert api.post("/api/login", data={"username": "secretary", "password": DEMO_PASSWORD}).ok
    meeting = api.post(
        "/api/meetings",
        data={
            "title": "Thẩm tra dự thảo nghị quyết",
            "starts_at": "2020-01-06T08:00:00",
            "location": "Hội trường",
        },
    ).json()["id"]
    assert api.post(f"/api/meetings/{meeting}/members", data={"username": "delegate1", "role": "delegate"}).ok
    item = api.post(f"/api/meetings/{meeting}/agenda", data={"title": "Dự thảo nghị quyết"}).json()["id"]
    upload = api.post(
        f"/api/agenda/{item}/documents",
        multipart={
            "file": {
                "name": LEGAL_DRAFT.name,
                "mimeType": "application/pdf",
                "buffer": LEGAL_DRAFT.read_bytes(),
            }
        },
    )
    assert upload.status == 201, upload.text()
    document = upload.json()["id"]
    assert api.post(f"/api/meetings/{meeting}/publish").ok
    context.close()
    return document


@pytest.mark.parametrize("font_scale", ["1", "1.6"])
def test_a_margin_number_on_a_phone_is_never_beside_another_paragraph(open_page, legal_draft, font_scale):
    page = open_page(PHONE, "delegate1")
    page.evaluate("(scale) => localStorage.setItem('fontScale', scale)", font_scale)
    paragraphs = page.request.get(f"/api/documents/{legal_draft}/paragraphs").json()
    on_first = {p["id"]: p for p in paragraphs if p["page"] == 1}
    khoan = next(
        p for p in on_first.values() if p["text"].startswith("1. Đầu tư thiết bị")
    )  # Điều 2, khoản 1
    page.goto(f"/documents/{legal_draft}?view=pages")
    expect(page.locator('.page[data-page="1"] .pmark').first).to_be_visible()
    marks = page.evaluate(MARK_DRIFT, 1)
    assert marks
    for mark in marks:
        paragraph_top = on_first[mark["paragraph"]]["bbox"][1] * mark["scale"]
        drift = mark["top"] - paragraph_top
        assert -mark["line"] <= drift <= mark["line"] + 1, (
            f"mark {mark['label']} is {drift:.1f} px from its paragraph"
        )

    drawn = {mark["paragraph"] for mark in marks}
    left_out = set(on_first) - drawn
    hint = page.locator("#margin-hint")
    if khoan["id"] not in drawn or left_out:  # no room for every number: comments go through reading mode
        expect(hint).to_be_visible()
        hint.get_by_role("button", name="Mở chế độ đọc").click()
        expect(page.locator(f'.reading [data-paragraph="{khoan["id"]}"]').first).to_be_attached()
    else:
        expect(hint).to_be_hidden()
