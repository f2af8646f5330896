"""Screenshots of the reader's screens on a phone and a tablet, to look at after changing them.

Starts `python wsgi.py` with the demo meeting (or uses `--url` of one already running with it) and
saves PNGs under shots/ (git-ignored). Usage:
    .venv/bin/python scripts/reader_screenshots.py [--url http://127.0.0.1:PORT] [--guest]
`--guest`: only the comment panel of a guest (khách mời) who answers a delegate, and the chair's digest.
`--bar`: only the reader's top bar (title, follow the screen, A−/A+, language) on a 390 px and a 360 px
phone and a tablet, at the normal and the largest type.
"""

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, TABLET  # noqa: E402
from tests.live_server import DEMO_PASSWORD, LiveServer, make_demo_data  # noqa: E402

SHOTS = ROOT / "shots"
DEVICES = {"phone": PHONE, "tablet": TABLET}
SMALL_PHONE = {**PHONE, "viewport": {"width": 360, "height": 740}}  # a common low-cost Android
LANDSCAPE = {**PHONE, "viewport": {"width": 844, "height": 390}}  # the 390 px phone turned sideways


def signed_in(browser, url: str, device: dict, username: str, font_scale: str = "1"):
    context = browser.new_context(base_url=url, **device)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")
    page.evaluate("(scale) => localStorage.setItem('fontScale', scale)", font_scale)
    return page


def report_id(page) -> int:
    meeting = page.request.get("/api/meetings").json()[0]
    agenda = page.request.get(f"/api/meetings/{meeting['id']}").json()["agenda"]
    return next(d["id"] for item in agenda for d in item["documents"] if d["page_count"] == 28)


def shoot(page, name: str, height: int | None = None) -> None:
    """`height`: only the top of the screen, that many CSS pixels."""
    page.wait_for_timeout(700)
    clip = {"x": 0, "y": 0, "width": page.viewport_size["width"], "height": height} if height else None
    page.screenshot(path=str(SHOTS / f"{name}.png"), clip=clip)
    print(SHOTS / f"{name}.png")


def reader_screens(browser, url: str, kind: str) -> None:
    device = DEVICES[kind]
    for scale in ("1", "1.6"):
        page = signed_in(browser, url, device, "delegate1", scale)
        report = report_id(page)
        size = "large" if scale != "1" else "normal"
        for view in ("text", "pages"):
            page.goto(f"/documents/{report}?view={view}")
            page.wait_for_load_state("networkidle")
            shoot(page, f"{kind}-{view}-{size}")
        page.context.close()

    page = signed_in(browser, url, device, "delegate1")
    report = report_id(page)
    page.goto(f"/documents/{report}?view=text#page=4")  # a landscape table
    page.wait_for_selector(".rp-table-toggle")
    page.wait_for_load_state("networkidle")
    page.evaluate("() => document.querySelector('.rp-table-toggle').scrollIntoView({ block: 'center' })")
    shoot(page, f"{kind}-text-table")
    page.locator(".rp-table-toggle").first.click()
    page.wait_for_function("() => document.querySelector('.reading-band img').complete")
    page.wait_for_timeout(1500)
    shoot(page, f"{kind}-text-table-printed")
    page.evaluate("() => window.PHReader.goToPage(9)")
    page.wait_for_load_state("networkidle")
    shoot(page, f"{kind}-text-scanned-page")

    page.goto(f"/documents/{report}?view=text#page=1")
    page.wait_for_selector(".rp-body")
    page.wait_for_timeout(800)
    page.evaluate(
        """() => {
            const node = document.querySelectorAll('.rp-body .rp-text')[0];
            node.scrollIntoView({ block: 'center' });
            const range = document.createRange();
            range.setStart(node.firstChild, 10);
            range.setEnd(node.firstChild, 60);
            getSelection().removeAllRanges();
            getSelection().addRange(range);
        }"""
    )
    page.wait_for_selector("[data-selection-menu]:not([hidden])")
    shoot(page, f"{kind}-text-selection")
    page.locator("[data-selection-menu] [data-highlight]").first.click()
    page.locator(".rp-body .rp-mark").nth(1).click()
    page.wait_for_selector("#annot-panel:not([hidden])")
    shoot(page, f"{kind}-text-thread")
    page.evaluate("() => window.PH.live().disconnect()")
    page.wait_for_selector(".annot-status.offline")
    shoot(page, f"{kind}-text-thread-offline")

    page.goto(f"/documents/{report}?view=pages#page=19")
    page.wait_for_selector('.page[data-page="19"] .pmark')
    paragraphs = page.request.get(f"/api/documents/{report}/paragraphs").json()
    numbered = next(p for p in paragraphs if p["label"] == "101")
    page.evaluate(
        """(id) => new Promise((resolve) => window.PH.live().emit('annotation:create', {
            op_id: 'shot-' + Date.now(), document_id: window.PHReader.documentId, kind: 'comment',
            target: {paragraph_id: id}, body: 'Số liệu đoạn này cần cập nhật.', visibility: 'shared',
        }, resolve))""",
        numbered["id"],
    )
    page.wait_for_selector(f'.pmark[data-paragraph="{numbered["id"]}"] .pmark-count')
    page.locator(f'.pmark[data-paragraph="{numbered["id"]}"]').scroll_into_view_if_needed()
    shoot(page, f"{kind}-pages-margin-101")
    page.locator(".annot-bar [data-panel='comments']").click()
    page.evaluate("() => window.PH.live().disconnect()")
    page.wait_for_selector(".annot-status.offline")
    shoot(page, f"{kind}-pages-panel-offline")
    page.goto(f"/documents/{report}?view=pages")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Chữ lớn hơn").click()
    shoot(page, f"{kind}-pages-after-a-plus")
    page.goto(f"/documents/{report}?view=text&lang=en")
    page.wait_for_load_state("networkidle")
    shoot(page, f"{kind}-text-english")
    page.goto(f"/documents/{report}?view=text&lang=vi")
    page.context.close()

    chair = signed_in(browser, url, device, "chair")
    meeting = chair.request.get("/api/meetings").json()[0]["id"]
    for lang in ("vi", "en"):
        chair.goto(f"/meetings/{meeting}/digest?lang={lang}")
        chair.wait_for_selector(".document-card")
        chair.wait_for_load_state("networkidle")
        shoot(chair, f"{kind}-digest-{lang}")
        entry = chair.locator(".entry .moderate").first
        if entry.count():
            entry.scroll_into_view_if_needed()
            shoot(chair, f"{kind}-digest-{lang}-moderation")
    chair.goto(f"/meetings/{meeting}/digest?lang=vi")
    chair.context.close()


def bar_screens(browser, url: str) -> None:
    """The top bar with every tool shown ("Theo màn hình" appears once the reader is drawn), at each
    type size between the normal and the largest, and in English."""
    devices = (("phone", PHONE), ("phone360", SMALL_PHONE), ("landscape", LANDSCAPE), ("tablet", TABLET))
    for kind, device in devices:
        for scale in ("1", "1.15", "1.3", "1.45", "1.6"):
            page = signed_in(browser, url, device, "delegate1", scale)
            report = report_id(page)
            page.goto(f"/documents/{report}?view=text")
            page.wait_for_selector("[data-follow-screen]:not([hidden])")
            page.wait_for_load_state("networkidle")
            shoot(page, f"{kind}-bar-{scale}", 240)
            if scale == "1.6":
                page.locator("[data-follow-screen]").click()
                shoot(page, f"{kind}-bar-{scale}-following", 240)
                page.goto(f"/documents/{report}?view=text&lang=en")
                page.wait_for_selector("[data-follow-screen]:not([hidden])")
                shoot(page, f"{kind}-bar-{scale}-english", 240)
                page.goto(f"/documents/{report}?view=text&lang=vi")
            page.context.close()


GUEST = "ubndxa"  # floor/demo.py: the demo meeting's guest, Chủ tịch UBND xã


def _emit(page, payload: dict) -> dict:
    return page.evaluate(
        """(payload) => new Promise((resolve) => window.PH.live().emit('annotation:create',
            { op_id: 'shot-' + Date.now() + Math.random().toString(16).slice(2),
              document_id: window.PHReader.documentId, kind: 'comment', visibility: 'shared',
              ...payload }, resolve))""",
        payload,
    )


def guest_screens(browser, url: str, kind: str) -> None:
    """A delegate asks on a paragraph, the guest answers in that thread; the guest's panel, as they
    see it on the device, with their answer labelled and the composer of a new (private) comment."""
    view = "pages" if kind == "tablet" else "text"
    delegate = signed_in(browser, url, DEVICES[kind], "delegate2")
    report = report_id(delegate)
    paragraphs = delegate.request.get(f"/api/documents/{report}/paragraphs").json()
    paragraph = next(p for p in paragraphs if p["label"] == "101")
    delegate.goto(f"/documents/{report}?view=pages#page={paragraph['page']}")
    delegate.wait_for_selector(f'.pmark[data-paragraph="{paragraph["id"]}"]')
    asked = _emit(
        delegate,
        {
            "target": {"paragraph_id": paragraph["id"]},
            "body": "Đề nghị Ủy ban cho biết nguồn vốn và tiến độ giải ngân.",
        },
    )
    delegate.context.close()

    guest = signed_in(browser, url, DEVICES[kind], GUEST)
    guest.goto(f"/documents/{report}?view={view}#page={paragraph['page']}")
    mark = (
        f'.pmark[data-paragraph="{paragraph["id"]}"]'
        if view == "pages"
        else f'[data-paragraph-comments="{paragraph["id"]}"]'
    )
    guest.wait_for_selector(mark)
    _emit(
        guest,
        {
            "target": {"paragraph_id": paragraph["id"]},
            "reply_to": asked["id"],
            "body": "Ngân sách tỉnh hỗ trợ 70%, ngân sách xã 30%; giải ngân xong trong quý II/2027.",
        },
    )
    guest.locator(mark).first.tap()  # by finger: the box waits for a tap, no keyboard comes up
    guest.wait_for_selector("#annot-panel:not([hidden]) .comment.by-guest")
    shoot(guest, f"{kind}-guest-thread")
    guest.locator("[data-composer] textarea").tap()
    shoot(guest, f"{kind}-guest-composer")
    guest.locator("#annot-panel .comment:not(.reply) .comment-actions button").first.tap()
    shoot(guest, f"{kind}-guest-replying")
    guest.context.close()

    chair = signed_in(browser, url, DEVICES[kind], "chair")
    meeting = chair.request.get("/api/meetings").json()[0]["id"]
    chair.goto(f"/meetings/{meeting}/digest")
    chair.wait_for_selector(".entry.is-guest")
    chair.locator(".entry.is-guest").first.scroll_into_view_if_needed()
    shoot(chair, f"{kind}-guest-digest")
    chair.context.close()


def main() -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser()
    parser.add_argument("--url")
    parser.add_argument("--guest", action="store_true", help="only a guest's comment panel and the digest")
    parser.add_argument("--bar", action="store_true", help="only the reader's top bar")
    args = parser.parse_args()
    SHOTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        server = None
        url = args.url
        if not url:
            make_demo_data(Path(scratch) / "template")
            server = LiveServer(Path(scratch) / "template", Path(scratch) / "data")
            server.start()
            url = server.url
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                if args.bar:
                    bar_screens(browser, url)
                for kind in DEVICES if not args.bar else ():
                    if not args.guest:
                        reader_screens(browser, url, kind)
                    guest_screens(browser, url, kind)
                browser.close()
        finally:
            if server:
                server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
