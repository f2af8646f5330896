"""A delegate reads on a phone: reading mode, the tool bars at the largest type, margin numbers,
the language, and what the chair does from the digest."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET

pytestmark = [pytest.mark.browser, pytest.mark.server]

FITS_THE_WIDTH = "() => document.documentElement.scrollWidth <= window.innerWidth"

# Every visible control of the two tool bars inside the screen, and no visible label cut short.
TOOLBARS_FIT = """() => {
    const shown = (node) => node.getClientRects().length > 0 && getComputedStyle(node).visibility !== 'hidden'
        && node.getBoundingClientRect().width > 1;
    const problems = [];
    const tools = '.reader-toolbar .rtool, .annot-bar .atool, #page-indicator';
    for (const node of document.querySelectorAll(tools)) {
        if (!shown(node)) continue;
        const r = node.getBoundingClientRect();
        if (r.left < -0.5 || r.right > window.innerWidth + 0.5) {
            problems.push(`outside: ${node.textContent.trim()}`);
        }
    }
    const labels = '.rtool-label, .atool-label, #page-indicator, .page-indicator';
    for (const node of document.querySelectorAll(labels)) {
        if (shown(node) && node.scrollWidth > node.clientWidth + 1) {
            problems.push(`cut: ${node.textContent.trim()}`);
        }
    }
    for (const bar of document.querySelectorAll('.reader-toolbar, .annot-bar')) {
        if (shown(bar) && bar.scrollWidth > bar.clientWidth + 1) {
            problems.push(`bar scrolls: ${bar.className}`);
        }
    }
    return problems;
}"""

SMALL_PHONE = {**PHONE, "viewport": {"width": 360, "height": 740}}  # a common low-cost Android

# The reader's top bar: the title's box, how many of its characters are on screen (not clipped
# below its last line, not under the ellipsis), and every shown control with its size and place.
READER_BAR = """() => {
    const title = document.querySelector('.reader-title');
    const box = title.getBoundingClientRect();
    const range = document.createRange();
    const text = title.firstChild;
    let shown = 0;
    for (let i = 0; i < text.length; i++) {
        range.setStart(text, i);
        range.setEnd(text, i + 1);
        const r = range.getBoundingClientRect();
        if (r.bottom <= box.bottom + 1 && r.right <= box.right - 12) shown++;
    }
    const tools = [...document.querySelectorAll('.reader-top .tool')]
        .filter((node) => node.getClientRects().length > 0)
        .map((node) => {
            const r = node.getBoundingClientRect();
            return { name: node.getAttribute('aria-label') || node.textContent.trim(), width: r.width,
                     height: r.height, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
        });
    return { title: { width: box.width, top: box.top, shown }, tools, screen: innerWidth };
}"""


def _out_of_reach(bar: dict) -> list[dict]:
    """The bar's controls smaller than a fingertip (44 px) or not wholly on the screen."""
    return [
        tool
        for tool in bar["tools"]
        if min(tool["width"], tool["height"]) < 44
        or tool["left"] < 0
        or tool["top"] < 0
        or tool["right"] > bar["screen"]
    ]


# Select `phrase` inside the first reading-mode paragraph that has it.
SELECT_IN_READING = """(phrase) => {
    const node = [...document.querySelectorAll('.rp-text')].find((n) => n.textContent.includes(phrase));
    const text = node.firstChild;
    const start = text.textContent.indexOf(phrase);
    const range = document.createRange();
    range.setStart(text, start);
    range.setEnd(text, start + phrase.length);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    return Number(node.closest('.rp').dataset.paragraph);
}"""


def _report(page) -> int:
    """The demo meeting's 28-page report (other tests add meetings of their own)."""
    for meeting in page.request.get("/api/meetings").json():
        agenda = page.request.get(f"/api/meetings/{meeting['id']}").json()["agenda"]
        for item in agenda:
            for document in item["documents"]:
                if document["page_count"] == 28:
                    return document["id"]
    raise AssertionError("the demo meeting's report is missing")


def _text_size(page) -> float:
    return page.evaluate(
        "() => Math.min(...[...document.querySelectorAll('.reading-page.ready .rp-body .rp-text')]"
        ".slice(0, 10).map((n) => parseFloat(getComputedStyle(n).fontSize)))"
    )


def test_a_phone_opens_reading_mode_in_large_text_and_remembers_the_delegates_choice(open_page):
    page = open_page(PHONE, "delegate1")
    report = _report(page)
    page.goto(f"/documents/{report}")
    expect(page.locator('.reading-page[data-page="1"] .rp-body').first).to_be_visible()
    assert page.evaluate("() => document.documentElement.dataset.readerView") == "text"
    expect(page.locator("#viewer")).to_be_hidden()
    assert _text_size(page) >= 16
    expect(page.locator('.reading-page[data-page="1"] h2.rp-text').first).to_be_visible()
    # the printed number stays in the text and beside it, where comments open
    first_numbered = page.locator('.reading-page[data-page="1"] .rp-body').first
    expect(first_numbered.locator(".rp-text")).to_have_text(re.compile(r"^1\. "))
    expect(first_numbered.locator(".rp-number")).to_have_text("1")

    before = _text_size(page)
    page.get_by_role("button", name="Chữ lớn hơn").click()
    assert _text_size(page) > before
    assert page.evaluate(FITS_THE_WIDTH)

    page.evaluate("() => window.PHReader.goToPage(9)")  # a scanned page: shown as its image
    scan = page.locator('.reading-page[data-page="9"] img.reading-image')
    expect(scan).to_be_visible()
    page.wait_for_function("() => document.querySelector('.reading-page:nth-child(9) img').naturalWidth > 0")

    page.locator(".reader-toolbar [data-reader='view']").click()
    expect(page.locator("#viewer")).to_be_visible()
    page.goto(f"/documents/{report}")
    assert page.evaluate("() => document.documentElement.dataset.readerView") == "pages"
    page.goto(f"/documents/{report}?view=text")
    expect(page.locator("#reading")).to_be_visible()


@pytest.mark.parametrize("view", ["text", "pages"])
def test_at_the_largest_type_the_phone_tool_bars_fit_and_nothing_scrolls_sideways(open_page, view):
    page = open_page(PHONE, "delegate1")
    page.evaluate("() => localStorage.setItem('fontScale', '1.6')")
    page.goto(f"/documents/{_report(page)}?view={view}")
    page.wait_for_load_state("networkidle")
    assert page.evaluate(FITS_THE_WIDTH)
    assert page.evaluate(TOOLBARS_FIT) == []
    if view == "text":
        assert _text_size(page) >= 16 * 1.6 * 1.1


@pytest.mark.parametrize(
    ("device", "view"), [(SMALL_PHONE, "text"), (PHONE, "pages")], ids=["360-text", "390-pages"]
)
def test_on_a_phone_at_the_largest_type_the_top_bar_shows_the_title_and_every_tool(open_page, device, view):
    """With "Theo màn hình" shown, the title has a row of its own (a line of it at least), and
    back, follow, A−, A+ and the language stay whole fingertip-sized buttons on the screen."""
    page = open_page(device, "delegate3")
    page.evaluate("() => localStorage.setItem('fontScale', '1.6')")
    page.goto(f"/documents/{_report(page)}?view={view}")
    follow = page.get_by_role("button", name="Theo màn hình")
    expect(follow).to_be_visible()
    page.wait_for_load_state("networkidle")

    bar = page.evaluate(READER_BAR)
    assert bar["title"]["width"] >= 0.85 * bar["screen"]
    assert bar["title"]["shown"] >= 25, "the delegate cannot read which document is open"
    names = [tool["name"] for tool in bar["tools"]]
    assert len(names) == 5, names
    assert _out_of_reach(bar) == []
    beside_the_title = [t["name"] for t in bar["tools"] if t["bottom"] > bar["title"]["top"] + 1]
    assert beside_the_title == [], "the tools squeeze the title instead of standing above it"
    assert page.evaluate(FITS_THE_WIDTH)

    follow.click()
    expect(follow).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Chữ nhỏ hơn").click()
    assert page.evaluate("() => localStorage.getItem('fontScale')") == "1.45"


def test_on_a_tablet_the_title_stays_beside_the_tools_and_has_a_row_of_its_own_at_the_largest_type(open_page):
    page = open_page(TABLET, "delegate3")
    page.goto(f"/documents/{_report(page)}?view=pages")
    expect(page.get_by_role("button", name="Theo màn hình")).to_be_visible()
    bar = page.evaluate(READER_BAR)
    back = bar["tools"][0]
    assert back["top"] <= bar["title"]["top"] < back["bottom"], "one row: the title beside the back button"
    assert bar["title"]["shown"] >= 30

    page.evaluate("() => localStorage.setItem('fontScale', '1.6')")
    page.reload()
    expect(page.get_by_role("button", name="Theo màn hình")).to_be_visible()
    bar = page.evaluate(READER_BAR)
    assert bar["title"]["shown"] >= 45, "at the largest type the whole title shows on its own row"
    assert _out_of_reach(bar) == []
    assert page.evaluate(FITS_THE_WIDTH)


def test_switching_between_reading_mode_and_the_page_view_keeps_the_place(open_page):
    page = open_page(PHONE, "delegate1")
    page.goto(f"/documents/{_report(page)}?view=text")
    expect(page.locator(".rp").first).to_be_visible()
    page.evaluate("() => window.PHReader.goToPage(12)")
    expect(page.locator("#page-indicator")).to_have_text("Trang 12/28")
    page.locator(".reader-toolbar [data-reader='view']").click()
    expect(page.locator("#viewer")).to_be_visible()
    expect(page.locator("#page-indicator")).to_have_text("Trang 12/28")
    assert "view=pages" in page.url

    page.evaluate("() => window.PHReader.goToPage(20, 0.5)")  # half-way down page 20
    expect(page.locator("#page-indicator")).to_have_text("Trang 20/28")
    page.locator(".reader-toolbar [data-reader='view']").click()
    expect(page.locator("#reading")).to_be_visible()
    expect(page.locator("#page-indicator")).to_have_text("Trang 20/28")
    report = _report(page)
    height = page.request.get(f"/api/documents/{report}").json()["pages"][19]["height"]
    on_20 = [
        p for p in page.request.get(f"/api/documents/{report}/paragraphs?page=20").json() if p["page"] == 20
    ]
    # the paragraph being read half-way down the printed page: the last one starting above that point
    expected = [p["id"] for p in on_20 if p["bbox"][1] <= 0.5 * height + 4][-1]
    top = page.wait_for_function(
        """(expected) => {
            const box = document.getElementById('reading').getBoundingClientRect();
            const node = [...document.querySelectorAll('.rp')]
                .find((n) => n.getBoundingClientRect().bottom > box.top + 4);
            return node && Number(node.dataset.paragraph) === expected && node.dataset.paragraph;
        }""",
        arg=expected,
    )
    assert int(top.json_value()) == expected


def test_a_highlight_made_in_reading_mode_is_an_ordinary_highlight_on_its_page(open_page):
    reader = open_page(PHONE, "delegate2")
    report = _report(reader)
    reader.goto(f"/documents/{report}?view=text")
    expect(reader.locator(".rp").first).to_be_visible()
    phrase = "tích cực tham gia hoạt động"
    paragraph_id = reader.evaluate(SELECT_IN_READING, phrase)
    menu = reader.locator("[data-selection-menu]")
    expect(menu).to_be_visible()
    menu.locator("[data-highlight]").first.click()
    # the delegate sees it at once in reading mode too, over the words chosen
    painted = reader.wait_for_function(
        """() => CSS.highlights.has('ph-yellow')
            && [...CSS.highlights.get('ph-yellow')].map((range) => range.toString()).join(' ')"""
    )
    assert phrase in painted.json_value()

    other = open_page(TABLET, "delegate3")
    other.goto(f"/documents/{report}?view=pages")
    expect(other.locator('.page[data-page="1"] .annot-highlights g rect').first).to_be_attached()
    stored = other.request.get(f"/api/documents/{report}/annotations").json()
    highlight = next(
        a
        for a in stored["annotations"]
        if a["kind"] == "highlight" and phrase in a["target"].get("quote", "")
    )
    assert highlight["page"] == 1
    words = other.request.get(f"/api/documents/{report}/pages/1/text").json()["words"]
    paragraph = other.request.get(f"/api/documents/{report}/paragraphs?ids={paragraph_id}").json()[0]
    x0, y0, x1, y1 = paragraph["bbox"]

    def within(word, box):
        cx, cy = (word[0] + word[2]) / 2, (word[1] + word[3]) / 2
        return box[0] - 1 <= cx <= box[2] + 1 and box[1] - 1 <= cy <= box[3] + 1

    inside = [w for w in words if within(w, (x0, y0, x1, y1))]
    texts = [w[4] for w in inside]
    chosen = phrase.split()
    start = next(i for i in range(len(texts)) if texts[i : i + len(chosen)] == chosen)
    quads = highlight["target"]["quads"]
    for word in inside[start : start + len(chosen)]:
        assert any(within(word, q) for q in quads), word
    covered = [w for w in inside if any(within(w, q) for q in quads)]
    assert len(covered) <= len(chosen) + 2, "the highlight reaches well past the selected words"

    reader.locator(".reader-toolbar [data-reader='view']").click()  # the same delegate's page view
    expect(reader.locator('.page[data-page="1"] .annot-highlights g rect').first).to_be_attached()


def test_in_reading_mode_a_paragraph_shows_its_comments_and_opens_its_thread_with_one_tap(open_page):
    page = open_page(PHONE, "delegate4")
    page.goto(f"/documents/{_report(page)}?view=text")
    mark = page.locator(".rp-body .rp-mark").nth(2)
    expect(mark).to_be_visible()
    box = mark.bounding_box()
    assert box["height"] >= 44
    assert box["width"] >= 44
    mark.tap()
    panel = page.locator("#annot-panel")
    expect(panel).to_be_visible()
    expect(panel.locator("[data-panel-title]")).to_have_text("Đoạn 3")
    panel.locator("textarea[name=body]").fill("Đề nghị bổ sung số liệu năm 2023.")
    panel.get_by_role("button", name="Gửi ý kiến").click()
    expect(mark.locator(".rp-count")).to_have_text("1")


def test_margin_numbers_on_a_phone_are_44_px_taps_and_never_cover_the_text(open_page):
    page = open_page(PHONE, "delegate1")
    report = _report(page)
    page.goto(f"/documents/{report}?view=pages#page=19")
    expect(page.locator('.page[data-page="19"] .pmark').first).to_be_visible()
    paragraphs = page.request.get(f"/api/documents/{report}/paragraphs").json()
    numbered = next(p for p in paragraphs if p["label"] == "101")
    page.evaluate(
        """(paragraph) => new Promise((resolve) => window.PH.live().emit('annotation:create', {
            op_id: 'phone-margin-101', document_id: window.PHReader.documentId, kind: 'comment',
            target: {paragraph_id: paragraph}, body: 'Số liệu đoạn này cần cập nhật.', visibility: 'shared',
        }, resolve))""",
        numbered["id"],
    )
    expect(page.locator(f'.pmark[data-paragraph="{numbered["id"]}"] .pmark-count')).to_have_text("1")
    problems = page.evaluate(
        """(n) => {
            const s = window.PHReader.scale(n);
            const page = window.PHReader.pageElement(n);
            const words = [...page.querySelectorAll('.text-layer span')]
                .map((w) => w.getBoundingClientRect());
            const meet = (a, b) => b.width && a.left < b.right - 1 && a.right > b.left + 1
                && a.top < b.bottom - 1 && a.bottom > b.top + 1;
            return [...page.querySelectorAll('.pmark')].flatMap((mark) => {
                const r = mark.getBoundingClientRect();
                const style = getComputedStyle(mark);
                const reach = (name) => parseFloat(style.getPropertyValue(name)) || 0;
                const tap = r.height + (reach('--hit-up') + reach('--hit-down')) * s;
                const out = [];
                if (tap < 44) out.push(`${mark.textContent}: ${tap.toFixed(1)} px tall`);
                const parts = [mark, ...mark.querySelectorAll('.pmark-count')];
                for (const w of parts.map((m) => m.getBoundingClientRect())) {
                    if (words.some((b) => meet(w, b))) {
                        out.push(`${mark.textContent} covers words`);
                        break;
                    }
                }
                return out;
            });
        }""",
        19,
    )
    assert problems == []


def test_on_a_tablet_the_offline_status_stays_clear_of_the_open_comment_panel(open_page):
    page = open_page(TABLET, "delegate1")
    page.goto(f"/documents/{_report(page)}?view=pages")
    expect(page.locator('.page[data-page="1"] .pmark').first).to_be_visible()
    page.locator(".annot-bar [data-panel='comments']").click()
    panel = page.locator("#annot-panel")
    expect(panel).to_be_visible()
    page.evaluate("() => window.PH.live().disconnect()")
    status = page.locator(".annot-status.offline")
    expect(status).to_be_visible()
    s, p = status.bounding_box(), panel.bounding_box()
    assert s["x"] + s["width"] <= p["x"], "the status line is under the comment panel"


def test_the_reader_switches_language_and_english_counts_are_singular_for_one(open_page):
    page = open_page(PHONE, "chair")
    report = _report(page)
    page.goto(f"/documents/{report}?view=text")
    page.get_by_role("link", name="English").click()
    expect(page.locator("#page-indicator")).to_have_text(re.compile(r"^Page \d+/28$"))
    assert page.evaluate("() => document.documentElement.lang") == "en"
    both = "() => [1, 2].map((n) => PH.t('comments_on', {name: 'P', n}))"
    assert page.evaluate(both) == [
        "P: 1 comment — tap to read and reply",
        "P: 2 comments — tap to read and reply",
    ]
    meeting = page.request.get(f"/api/documents/{report}").json()["meeting_id"]
    page.goto(f"/meetings/{meeting}/digest")
    expect(page.locator("#digest-totals")).not_to_be_empty()
    counted = page.evaluate(
        "() => ['replies_n', 'highlights_n', 'comments_n', 'notes_n', 'people_n'].map((k) => PH.t(k, {n: 1}))"
    )
    assert counted == ["1 reply", "1 highlight", "1 comment", "1 note", "1 contributor"]
    text = page.locator("#digest").inner_text()
    assert not re.search(r"\b1 (replies|highlights|comments|notes|contributors)\b", text)


def test_the_chair_hides_and_shows_a_comment_from_the_digest_and_downloads_the_annotated_pdf(open_page):
    chair = open_page(TABLET, "chair")
    report = _report(chair)
    meeting = chair.request.get(f"/api/documents/{report}").json()["meeting_id"]
    chair.goto(f"/meetings/{meeting}/digest")
    expect(chair.locator("#digest-totals")).not_to_be_empty()
    ack = chair.evaluate(
        """(id) => new Promise((resolve) => window.PH.live().emit('annotation:create', {
            op_id: 'digest-hide-test', document_id: id, kind: 'comment', target: {},
            body: 'Ý kiến để thử ẩn từ trang tổng hợp', visibility: 'shared',
        }, resolve))""",
        report,
    )
    assert ack["ok"], ack
    chair.reload()  # whether or not its rooms were joined before the comment went in
    entry = chair.locator(".entry", has_text="Ý kiến để thử ẩn từ trang tổng hợp")
    expect(entry).to_be_visible()
    entry.get_by_role("button", name="Ẩn ý kiến").click()
    entry = chair.locator(".entry.is-hidden", has_text="Ý kiến để thử ẩn từ trang tổng hợp")
    expect(entry.locator(".hidden-tag")).to_be_visible()
    entry.get_by_role("button", name="Hiện lại").click()
    shown = chair.locator(".entry:not(.is-hidden)", has_text="Ý kiến để thử ẩn từ trang tổng hợp")
    expect(shown).to_be_visible()

    link = chair.locator(f'[data-annotated-pdf="{report}"]')
    expect(link).to_have_text("PDF có ghi chú")
    response = chair.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.body().startswith(b"%PDF")


def test_a_plus_in_the_page_view_enlarges_the_page_and_offers_reading_mode_on_a_phone(open_page):
    page = open_page(PHONE, "delegate5")
    page.goto(f"/documents/{_report(page)}?view=pages")
    expect(page.locator('.page[data-page="1"] .pmark').first).to_be_visible()
    before = page.evaluate("() => window.PHReader.scale(1)")
    page.get_by_role("button", name="Chữ lớn hơn").click()
    hint = page.locator("#view-hint")
    expect(hint).to_be_visible()
    assert page.evaluate("() => window.PHReader.scale(1)") > before * 1.1
    hint.get_by_role("button", name="Mở chế độ đọc").click()
    expect(page.locator("#reading")).to_be_visible()
    expect(hint).to_be_hidden()
    assert _text_size(page) >= 16 * 1.15
