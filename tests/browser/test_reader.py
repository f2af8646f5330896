"""A delegate reads the 28-page report on a tablet: lazy pages, real text, thumbnails, odd pages."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TABLET

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
