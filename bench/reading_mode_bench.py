"""What a delegate's phone receives to show reading mode's first screen, from a cold cache.

Starts `python wsgi.py` with the demo meeting, opens the 28-page report on a phone (390x844, DPR 3)
in Debian's chromium with an empty browser cache and DevTools network emulation (150 ms round trip,
1.6 Mbit/s down), and prints the bytes on the wire (headers included, DevTools' own accounting)
until the first screen of reading mode is drawn and the network is quiet, by kind of request;
beside it, measured in the same run the same way, the page view's first screen on the same phone.

Exits non-zero when reading mode's first screen costs more than 80 KB. Usage:
    .venv/bin/python bench/reading_mode_bench.py
"""

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.reader_network_bench import LINK, report_document, signed_in_on_the_link  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE  # noqa: E402
from tests.live_server import LiveServer, make_demo_data  # noqa: E402

TARGET_KB = 80


def first_screen(browser, server: LiveServer, document: dict, view: str) -> dict:
    context, page, wire = signed_in_on_the_link(browser, server.url, PHONE)
    started = time.monotonic()
    page.goto(f"/documents/{document['id']}?view={view}", wait_until="commit")
    ready = '.reading-page[data-page="1"].ready' if view == "text" else '.page-slot[data-page="1"].ready'
    page.wait_for_selector(ready)
    drawn = time.monotonic() - started
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    context.close()
    return {"kb": wire.total() / 1024, "seconds": drawn, "breakdown": wire.breakdown()}


def main() -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as scratch:
        template = Path(scratch) / "template"
        make_demo_data(template)
        server = LiveServer(template, Path(scratch) / "data")
        server.start()
        try:
            document = report_document(server)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                text = first_screen(browser, server, document, "text")
                pages = first_screen(browser, server, document, "pages")
                browser.close()
        finally:
            server.stop()

    print(f"Phone 390x844 DPR 3, cold cache, {LINK['latency']} ms round trip, 1.6 Mbit/s down")
    for name, figures in (("reading mode", text), ("page view (baseline)", pages)):
        parts = ", ".join(
            f"{kind} {kb:.1f}" for kind, kb in sorted(figures["breakdown"].items(), key=lambda i: -i[1])
        )
        print(
            f"{name:<22} first screen {figures['kb']:6.1f} KB, drawn in {figures['seconds']:.2f} s  ({parts})"
        )
    ok = text["kb"] <= TARGET_KB
    print(f"reading mode / page view bytes: {text['kb'] / pages['kb']:.2f}x")
    print(f"reading mode first screen <= {TARGET_KB} KB: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
