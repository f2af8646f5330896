"""What a delegate's phone receives to show reading mode's first screen, from a cold cache.

Starts `python wsgi.py` with the demo meeting (or `--pack DIR`), opens the 28-page report (else the
pack's longest document) on a phone (390x844, DPR 3) in Debian's chromium with an empty browser cache
and DevTools network emulation (150 ms round trip, 1.6 Mbit/s down), and prints the bytes on the wire
(headers included, DevTools' own accounting) until the first screen of reading mode is drawn, and
until the network is quiet, by kind of request; beside it, measured in the same run the same way, the
page view's first screen on the same phone. Each is measured before bundling (the source modules,
`STATIC_BUNDLES=off`) and after (static/dist's bundles: run `node scripts/build_static.mjs` first).

Exits non-zero when reading mode's first screen (until drawn) costs more than 60 KB. Usage:
    .venv/bin/python bench/reading_mode_bench.py [--pack DIR]
"""

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.reader_network_bench import (  # noqa: E402
    LINK,
    PAGE_ONE_SHOWN,
    report_document,
    shown_at,
    signed_in_on_the_link,
    watch_for,
)
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE  # noqa: E402
from tests.live_server import MEETING_PACK, LiveServer, make_demo_data  # noqa: E402

TARGET_KB = 60
READING_SHOWN = """() => Boolean(document.querySelector('.reading-page[data-page="1"].ready'))"""


def first_screen(browser, server: LiveServer, document: dict, view: str) -> dict:
    context, page, wire = signed_in_on_the_link(browser, server.url, PHONE)
    watch_for(context, READING_SHOWN if view == "text" else PAGE_ONE_SHOWN)
    page.goto(f"/documents/{document['id']}?view={view}", wait_until="commit")
    seconds = shown_at(page)  # on the browser's clock (reader_network_bench.watch_for)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    context.close()
    return {
        "drawn_kb": wire.total_until(seconds) / 1024,
        "kb": wire.total() / 1024,
        "seconds": seconds,
        "breakdown": wire.breakdown(),
    }


def main() -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser()
    parser.add_argument("--pack", type=Path, default=MEETING_PACK, help="a folder of PDFs for `flask demo`")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        template = Path(scratch) / "template"
        make_demo_data(template, args.pack)
        for name, setting in (("before", "off"), ("after", "on")):
            server = LiveServer(template, Path(scratch) / f"data-{setting}", env={"STATIC_BUNDLES": setting})
            server.start()
            try:
                document = report_document(server)
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                    results[name] = {
                        "reading mode": first_screen(browser, server, document, "text"),
                        "page view": first_screen(browser, server, document, "pages"),
                    }
                    browser.close()
            finally:
                server.stop()

    print(f"{document['title']}, {document['page_count']} pages")
    print(f"Phone 390x844 DPR 3, cold cache, {LINK['latency']} ms round trip, 1.6 Mbit/s down")
    for stage, views in results.items():
        for view, figures in views.items():
            parts = ", ".join(
                f"{kind} {kb:.1f}" for kind, kb in sorted(figures["breakdown"].items(), key=lambda i: -i[1])
            )
            print(
                f"{stage:<6} {view:<12} drawn in {figures['seconds']:.2f} s"
                f" after {figures['drawn_kb']:5.1f} KB;"
                f" {figures['kb']:5.1f} KB once quiet ({parts})"
            )
    before, after = results["before"]["reading mode"], results["after"]["reading mode"]
    print(
        f"reading mode after / before: bytes until drawn {after['drawn_kb'] / before['drawn_kb']:.2f}x,"
        f" time {after['seconds'] / before['seconds']:.2f}x"
    )
    ok = after["drawn_kb"] <= TARGET_KB
    print(f"reading mode first screen <= {TARGET_KB} KB: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
