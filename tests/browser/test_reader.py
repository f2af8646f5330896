"""A delegate reads the 28-page report on a tablet: lazy pages, real text, thumbnails, odd pages."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET

pytestmark = [pytest.mark.browser, pytest.mark.server]

LOADED_PAGES = """() => [...document.querySelectorAll('.page-image')]
    .filter((img) => img.complete && img.naturalWidth > 0)
    .map((img) => Number(img.closest('.page').dataset.page))"""

IMAGE_READY = """(n) => {
    const img = document.querySelector(`.page[data-page="${n}"] .page-image`);
    return Boolean(img && img.complete && img.naturalWidth > 0);
}"""

TEXT_READY = """(n) => document.querySelectorAll(`.page[data-page="${n}"] .text-layer span`).length > 0"""

# The spans of the words of `phrase` on page n, where they follow one another.
PHRASE_BOXES = """([n, phrase]) => {
    const spans = [...document.querySelectorAll(`.page[data-page="${n}"] .text-layer span`)];
    const words = phrase.split(' ');
    const start = spans.findIndex(
        (_, i) => words.every((w, k) => spans[i + k] && spans[i + k].textContent.trim() === w));
    if (start < 0) return null;
    const box = (span) => {
        const r = span.getBoundingClientRect();
        return [r.left, r.top, r.right, r.bottom];
    };
    return [box(spans[start]), box(spans[start + words.length - 1])];
}"""

WORDS_OUTSIDE_IMAGE = """(n) => {
    const image = document.querySelector(`.page[data-page="${n}"] .page-image`).getBoundingClientRect();
    const spans = [...document.querySelectorAll(`.page[data-page="${n}"] .text-layer span`)];
    return spans.filter((span) => {
        const r = span.getBoundingClientRect();
        return r.left < image.left - 1 || r.top < image.top - 1
            || r.right > image.right + 1 || r.bottom > image.bottom + 1;
    }).length;
}"""

FITS_THE_WIDTH = "() => document.documentElement.scrollWidth <= window.innerWidth"

# The paragraphs starting on page n whose number is not in the margin before their first line, in page
# points whatever the reader's rotation: left of the text and level with it where lines run across,
# above the text and over its column where they run down the page (`down`).
MARKS_NOT_BESIDE = """async ([n, down]) => {
    const reader = window.PHReader;
    const all = await (await fetch(`/api/documents/${reader.documentId}/paragraphs`)).json();
    return all.filter((p) => p.page === n).filter((p) => {
        const mark = reader.pageElement(n).querySelector(`.pmark[data-paragraph="${p.id}"]`);
        const r = mark.getBoundingClientRect();
        const [x, y] = reader.toPagePoint(n, (r.left + r.right) / 2, (r.top + r.bottom) / 2);
        const [x0, y0, x1, y1] = p.bbox;
        return down ? !(x > x0 - 4 && x < x1 + 4 && y < y0) : !(y > y0 - 4 && y < y1 + 4 && x < x0);
    }).map((p) => p.number);
}"""


def test_delegate_reads_the_report_on_a_tablet(open_page):
    page = open_page(TABLET, "delegate1")
    page.locator(".meeting-card", has_text="Kỳ họp thứ Mười hai").click()
    page.locator(".doc-link", has_text="28 trang").click()
    page.wait_for_url(re.compile(r"/documents/\d+"))

    page.wait_for_function(IMAGE_READY, arg=1)
    page.wait_for_function(TEXT_READY, arg=1)
    page.wait_for_load_state("networkidle")
    loaded = page.evaluate(LOADED_PAGES)
    assert 1 in loaded
    assert max(loaded) <= 3, f"pages far from the viewport were loaded: {loaded}"
    expect(page.locator("#page-indicator")).to_have_text("Trang 1/28")

    phrase = "Kết quả thực hiện nhiệm vụ"
    first, last = page.evaluate(PHRASE_BOXES, [1, phrase])
    middle = (first[1] + first[3]) / 2
    page.mouse.move(first[0] + 1, middle)
    page.mouse.down()
    page.mouse.move((first[2] + last[2]) / 2, middle, steps=5)
    page.mouse.move(last[2] - 1, middle, steps=5)
    page.mouse.up()
    assert phrase in page.evaluate("() => window.getSelection().toString()")

    page.get_by_role("button", name="Danh sách trang").click()
    page.locator('.thumb[data-goto="11"]').click()
    expect(page.locator("#page-indicator")).to_have_text("Trang 11/28")
    page.wait_for_function(IMAGE_READY, arg=11)
    page.wait_for_function(TEXT_READY, arg=11)
    assert page.evaluate(WORDS_OUTSIDE_IMAGE, 11) == 0

    page.evaluate("() => window.PHReader.goToPage(9)")
    page.wait_for_function(IMAGE_READY, arg=9)
    assert page.locator('.page[data-page="9"] .text-layer span').count() == 0


def test_a_rotated_page_keeps_its_words_under_the_finger(open_page):
    page = open_page(TABLET, "delegate3")
    page.locator(".meeting-card", has_text="Kỳ họp thứ Mười hai").click()
    page.locator(".doc-link", has_text="28 trang").click()
    page.wait_for_function(TEXT_READY, arg=1)

    page.get_by_role("button", name="Xoay trang đang đọc một góc vuông").click()
    slot = page.locator('.page-slot[data-page="1"]')
    expect(slot).to_have_attribute("data-rotation", "90")
    box = slot.bounding_box()
    assert box["width"] > box["height"]
    assert page.evaluate(WORDS_OUTSIDE_IMAGE, 1) == 0

    word = page.evaluate(
        """async () => {
            const reader = window.PHReader;
            const layer = await (await fetch(`/api/documents/${reader.documentId}/pages/1/text`)).json();
            const [x0, y0, x1, y1] = layer.words.find((w) => w[4] === 'CÁO');
            const span = [...reader.pageElement(1).querySelectorAll('.text-layer span')]
                .find((s) => s.textContent === 'CÁO');  // ends its line: the span is exactly the word's box
            const r = span.getBoundingClientRect();
            return { expected: [(x0 + x1) / 2, (y0 + y1) / 2],
                     mapped: reader.toPagePoint(1, (r.left + r.right) / 2, (r.top + r.bottom) / 2) };
        }"""
    )
    assert word["mapped"] == pytest.approx(word["expected"], abs=1.5)

    page.reload()
    expect(page.locator('.page-slot[data-page="1"]')).to_have_attribute("data-rotation", "90")


def test_paragraph_numbers_stand_beside_their_paragraphs_on_a_sideways_page(open_page):
    page = open_page(TABLET, "delegate5")
    page.locator(".meeting-card", has_text="Kỳ họp thứ Mười hai").click()
    page.locator(".doc-link", has_text="28 trang").click()
    page.wait_for_url(re.compile(r"/documents/\d+"))
    page.evaluate("() => window.PHReader.goToPage(11)")
    expect(page.locator('.page[data-page="11"] .pmark').first).to_be_visible()
    assert page.evaluate(MARKS_NOT_BESIDE, [11, True]) == []

    rotate = page.get_by_role("button", name="Xoay trang đang đọc một góc vuông")
    for _ in range(3):  # the page's text runs down: three quarter turns stand it upright
        rotate.click()
    expect(page.locator('.page-slot[data-page="11"]')).to_have_attribute("data-rotation", "270")
    assert page.evaluate(MARKS_NOT_BESIDE, [11, True]) == []

    page.evaluate("() => window.PHReader.goToPage(4)")  # a landscape table: rows closer than the marks
    expect(page.locator('.page[data-page="4"] .pmark').first).to_be_visible()
    assert page.evaluate(MARKS_NOT_BESIDE, [4, False]) == []


@pytest.mark.parametrize("font_scale", ["1", "1.6"])
def test_a_phone_never_scrolls_sideways_on_the_reader_meeting_and_digest_pages(open_page, font_scale):
    page = open_page(PHONE, "chair")
    page.evaluate("(scale) => localStorage.setItem('fontScale', scale)", font_scale)
    meeting_id = page.request.get("/api/meetings").json()[0]["id"]
    document_id = page.request.get(f"/api/meetings/{meeting_id}").json()["agenda"][0]["documents"][0]["id"]
    for path in (f"/meetings/{meeting_id}", f"/meetings/{meeting_id}/digest", f"/documents/{document_id}"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate(FITS_THE_WIDTH), f"{path} scrolls sideways at text size {font_scale}"


def test_on_a_page_stored_sideways_the_selectable_words_run_with_the_printed_text(open_page):
    page = open_page(TABLET, "delegate4")
    page.locator(".meeting-card", has_text="Kỳ họp thứ Mười hai").click()
    page.locator(".doc-link", has_text="28 trang").click()
    page.wait_for_url(re.compile(r"/documents/\d+"))
    page.evaluate("() => window.PHReader.goToPage(11)")
    page.wait_for_function(TEXT_READY, arg=11)
    checked = page.evaluate(
        """async () => {
            const reader = window.PHReader;
            const layer = await (await fetch(`/api/documents/${reader.documentId}/pages/11/text`)).json();
            const spans = [...reader.pageElement(11).querySelectorAll('.text-layer span')];
            const misplaced = [];
            if (spans.length !== layer.words.length) return { misplaced: ["span count"], spans: 0 };
            layer.words.forEach(([x0, y0, x1, y1, text], index) => {
                if (text.length < 4 || index > 60) return;
                const r = spans[index].getBoundingClientRect();
                const [cx, cy] = reader.toPagePoint(11, (r.left + r.right) / 2, (r.top + r.bottom) / 2);
                const inside = cx >= x0 - 2 && cx <= x1 + 2 && cy >= y0 - 2 && cy <= y1 + 20;
                if (r.height <= r.width || !inside) misplaced.push(text);
            });
            return { misplaced, spans: spans.length };
        }"""
    )
    assert checked["spans"] > 100
    assert checked["misplaced"] == []


# Share of dark pixels in the page image as drawn, a thumbnail's worth of it: a page whose glyphs
# did not arrive (a missing glyph sheet, a glyph the sheet lacks) is blank paper.
INK_SHARE = """(n) => {
    const img = document.querySelector(`.page[data-page="${n}"] .page-image`);
    const canvas = document.createElement('canvas');
    canvas.width = 300;
    canvas.height = Math.round(300 * img.naturalHeight / img.naturalWidth);
    const context = canvas.getContext('2d');
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(img, 0, 0, canvas.width, canvas.height);
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let dark = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] < 160) dark += 1;
    return dark / (canvas.width * canvas.height);
}"""


@pytest.mark.parametrize("number", [1, 4, 11])
def test_text_table_and_sideways_pages_are_drawn_with_their_glyphs(open_page, number):
    page = open_page(TABLET, "delegate1")
    page.locator(".meeting-card", has_text="Kỳ họp thứ Mười hai").click()
    page.locator(".doc-link", has_text="28 trang").click()
    page.wait_for_url(re.compile(r"/documents/\d+"))
    page.evaluate(f"() => window.PHReader.goToPage({number})")
    page.wait_for_function(IMAGE_READY, arg=number)
    assert page.evaluate(INK_SHARE, number) > 0.01, f"page {number} is drawn blank"


def test_a_delegate_types_a_page_number_instead_of_flicking_through_thumbnails(open_page):
    page = open_page(PHONE, "delegate1")
    page.evaluate("() => { document.cookie = 'reader_view=pages; path=/documents'; }")  # chosen before
    page.locator(".meeting-card", has_text="Kỳ họp thứ Mười hai").click()
    page.locator(".doc-link", has_text="28 trang").click()
    page.wait_for_url(re.compile(r"/documents/\d+"))
    page.get_by_role("button", name="Danh sách trang").first.click()
    page.get_by_role("spinbutton", name="Đến trang").fill("20")
    page.get_by_role("button", name="Đi", exact=True).click()
    expect(page.locator("#page-indicator")).to_have_text("Trang 20/28")
    page.wait_for_function(IMAGE_READY, arg=20)
    expect(page.locator("#thumbs")).to_be_hidden()

    page.get_by_role("button", name="Danh sách trang").first.click()
    page.get_by_role("spinbutton", name="Đến trang").fill("99")
    page.get_by_role("button", name="Đi", exact=True).click()
    assert "1 đến 28" in page.evaluate("() => document.getElementById('goto-page-number').validationMessage")
    expect(page.locator("#page-indicator")).to_have_text("Trang 20/28")
