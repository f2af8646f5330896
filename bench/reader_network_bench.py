"""What a delegate on rural 4G receives: the reader in Debian's chromium over an emulated link.

Starts `python wsgi.py` with the demo meeting built from the shared pack (or `--pack DIR`, e.g.
../shared/fixtures/long, whose longest document is read), opens the 28-page report (else the pack's
longest document) in chromium (Playwright, tablet viewport) with DevTools network emulation (150 ms
round trip, 1.6 Mbit/s down, 0.75 Mbit/s up) and an empty browser cache, and prints, each beside the
PDF's own bytes per page measured in the same run:

- first page, before and after bundling: seconds from the navigation until page 1 is on screen
  (decoded and fully opaque) on the browser's clock (beside it, when the harness noticed), the bytes
  and script files received until then and the reader's HTML, served once with the source modules
  (`STATIC_BUNDLES=off`) and once with the bundles of static/dist (median of three cold loads each);
- reading end to end: every byte the reader fetched while scrolling through all pages
  (HTML, scripts, page views, glyph sheets, paragraphs, annotations), per page;
- thumbnails: bytes of each page's thumbnail as the drawer fetches them;
- warm latency: a cached page image and a small JSON answer over one kept-alive connection
  (Python's http.client, 200 requests each), beside a bare TCP round trip to the same server.

Exits non-zero when a target of docs/rendering.md is missed. Usage:
    .venv/bin/python bench/reader_network_bench.py [--pack DIR] [--first-page-only]
(run `node scripts/build_static.mjs` first: without fresh bundles "after" equals "before").
"""

import argparse
import http.client
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, TABLET  # noqa: E402
from tests.live_server import DEMO_PASSWORD, MEETING_PACK, LiveServer, make_demo_data  # noqa: E402

COLD_LOADS = 3

REPORT = "bao-cao-kinh-te-xa-hoi.pdf"
LINK = {"latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 0.75e6 / 8}
TARGETS = {
    "first_page_s": 1.0,
    "first_page_kb": 100,
    "per_page_kb": 25,
    "thumbnail_kb": 12,
    "warm_image_ms": 15,
}
WARM_REQUESTS = 200
# Page 1 on screen: its image decoded, in place and fully opaque (pages scrolled to later fade in).
PAGE_ONE_SHOWN = """() => {
    const image = document.querySelector('.page-slot[data-page="1"].ready .page-image');
    return Boolean(image) && getComputedStyle(image).opacity === "1";
}"""


def watch_for(context, shown: str) -> None:
    """Every page of `context` checks `shown` at each frame from its start and notes when it first
    holds, on the browser's clock: a harness polling over DevTools on a busy machine notices it
    hundreds of milliseconds late, and counts bytes that arrived after it."""
    context.add_init_script(
        f"""(() => {{
            const shown = {shown};
            const check = () => {{
                if (shown()) window.__shownAt = performance.now();
                else requestAnimationFrame(check);
            }};
            requestAnimationFrame(check);
        }})()"""
    )


def shown_at(page) -> float:
    """Seconds from the start of the navigation until `shown` held (see watch_for)."""
    page.wait_for_function("() => window.__shownAt !== undefined", polling=50)
    return page.evaluate("window.__shownAt") / 1000


class Wire:
    """Bytes on the wire per request, from DevTools' own accounting (headers included)."""

    def __init__(self, cdp):
        self.urls: dict[str, str] = {}
        self.received: list[tuple[float, str, int]] = []
        self.navigated_at = None  # the browser's clock when the last page was asked for
        self.since_navigation: list[tuple[float, str, int]] = []  # (seconds after it, url, bytes)
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.loadingFinished", self._finished)

    def _sent(self, event):
        self.urls[event["requestId"]] = event["request"]["url"]
        if event.get("type") == "Document":
            self.navigated_at = event["timestamp"]

    def _finished(self, event):
        url = self.urls.get(event["requestId"], "")
        self.received.append((time.monotonic(), url, int(event["encodedDataLength"])))
        if self.navigated_at is not None:
            after = event["timestamp"] - self.navigated_at
            self.since_navigation.append((after, url, int(event["encodedDataLength"])))

    def total_until(self, seconds: float) -> int:
        """Bytes that had arrived `seconds` after the navigation began (see shown_at)."""
        return sum(n for after, _, n in self.since_navigation if after <= seconds)

    def breakdown(self) -> dict[str, float]:
        """KB per kind of request, to see where the bytes go."""
        kinds: dict[str, float] = {}
        for _, url, n in self.received:
            path = url.split("?")[0]
            kind = next(
                (
                    k
                    for k in (
                        "/view",
                        "/glyphs/",
                        "/image",
                        "/paragraphs",
                        "/text",
                        "/annotations",
                        "/static/",
                        "/socket.io/",
                    )
                    if k in path
                ),
                "pages (HTML)",
            )
            kinds[kind] = kinds.get(kind, 0.0) + n / 1024
        return kinds

    def total(self, since: float = 0.0, until: float = float("inf"), containing: str = "") -> int:
        return sum(n for at, url, n in self.received if since <= at <= until and containing in url)


def report_document(server: LiveServer) -> dict:
    """The 28-page report of the shared meeting pack, else the longest document of the demo."""
    token = server.login("chair")
    documents = [
        document
        for meeting in server.get("/api/meetings", token)
        for item in server.get(f"/api/meetings/{meeting['id']}", token)["agenda"]
        for document in item["documents"]
    ]
    if not documents:
        raise SystemExit("the demo meeting has no document")
    return next(
        (d for d in documents if d["page_count"] == 28), max(documents, key=lambda d: d["page_count"])
    )


def first_page(browser, server: LiveServer, document: dict) -> dict:
    """One cold load of the page view on the tablet: time and bytes until page 1 is drawn."""
    context, page, wire = signed_in_on_the_link(browser, server.url, TABLET)
    watch_for(context, PAGE_ONE_SHOWN)
    started = time.monotonic()
    page.goto(f"/documents/{document['id']}?view=pages", wait_until="commit")
    shown = shown_at(page)
    drawn = time.monotonic()
    figures = {
        "s": shown,
        "harness_s": drawn - started,
        "kb": wire.total_until(shown) / 1024,
        "scripts": sum(
            1
            for after, url, _ in wire.since_navigation
            if after <= shown and url.split("?")[0].endswith((".js", ".mjs"))
        ),
        "html_kb": sum(n for _, url, n in wire.received if f"/documents/{document['id']}?" in url) / 1024,
    }
    context.close()
    return figures


def before_and_after(template: Path, scratch: Path, document: dict) -> dict:
    """The first page with the source modules, then with the bundles: same data, same link, same run."""
    from playwright.sync_api import sync_playwright

    results = {}
    for name, setting in (("before (source modules)", "off"), ("after (bundles)", "on")):
        server = LiveServer(template, scratch / f"data-{setting}", env={"STATIC_BUNDLES": setting})
        server.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                runs = [first_page(browser, server, document) for _ in range(COLD_LOADS)]
                browser.close()
        finally:
            server.stop()
        results[name] = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    return results


def browse(server: LiveServer, document: dict) -> dict:
    from playwright.sync_api import sync_playwright

    figures = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context, page, wire = signed_in_on_the_link(browser, server.url, TABLET)
        watch_for(context, PAGE_ONE_SHOWN)

        page.goto(f"/documents/{document['id']}", wait_until="commit")
        figures["first_page_s"] = shown_at(page)
        figures["first_page_kb"] = wire.total_until(figures["first_page_s"]) / 1024

        # Reading end to end: each page brought into view until it is drawn.
        for number in range(1, document["page_count"] + 1):
            page.evaluate(f"window.PHReader.goToPage({number})")
            page.wait_for_selector(f'.page-slot[data-page="{number}"].ready')
        page.wait_for_timeout(1500)  # the last paragraphs and margins
        figures["read_kb"] = wire.total() / 1024
        figures["read_document_kb"] = wire.total(containing=f"/api/documents/{document['id']}/") / 1024
        figures["per_page_kb"] = figures["read_kb"] / document["page_count"]
        figures["breakdown"] = wire.breakdown()

        # Thumbnails, as the drawer fetches them.
        before = time.monotonic()
        page.click('[data-reader="thumbs"]')
        for number in range(1, document["page_count"] + 1):
            page.locator(f'.thumb[data-goto="{number}"]').scroll_into_view_if_needed()
        page.wait_for_function(
            "[...document.querySelectorAll('.thumb img')].every((img) => img.complete && img.naturalWidth)"
        )
        thumbs = [(url, n) for at, url, n in wire.received if at >= before and "width=320" in url]
        figures["thumbnail_kb"] = max(n for _, n in thumbs) / 1024
        figures["thumbnail_mean_kb"] = statistics.mean(n for _, n in thumbs) / 1024
        figures["thumbnails"] = len(thumbs)
        cookie = next(c for c in context.cookies() if c["name"] == "session")
        browser.close()
    figures["cookie"] = cookie["value"]
    return figures


def warm_latency(server: LiveServer, document: dict, cookie: str) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", server.port)
    headers = {"Cookie": f"session={cookie}", "Accept-Encoding": "br, gzip"}

    def median_ms(path: str) -> float:
        times = []
        for _ in range(WARM_REQUESTS):
            started = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            times.append((time.perf_counter() - started) * 1000)
            assert response.status == 200, (path, response.status)
        return statistics.median(times)

    base = f"/api/documents/{document['id']}"
    figures = {
        "warm_image_ms": median_ms(f"{base}/pages/2/image?width=1536"),
        "warm_view_ms": median_ms(f"{base}/pages/2/view"),
        "warm_json_ms": median_ms(f"{base}/paragraphs?page=2"),
    }
    connection.close()
    rtts = []
    for _ in range(WARM_REQUESTS):
        started = time.perf_counter()
        with socket.create_connection(("127.0.0.1", server.port)):
            pass
        rtts.append((time.perf_counter() - started) * 1000)
    figures["tcp_connect_ms"] = statistics.median(rtts)
    return figures


def signed_in_on_the_link(browser, base_url: str, device: dict):
    """A delegate signed in on `device`, then on the emulated rural link with an empty cache:
    (context, page, the Wire counting what arrives). Service workers are blocked: the one the
    sign-in registers would otherwise store the static files behind the bench's back (its own
    requests are not on the emulated link) and serve some loads from its cache, by chance."""
    context = browser.new_context(base_url=base_url, service_workers="block", **device)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto("/login")
    page.fill("input[name=username]", "delegate1")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")
    page.goto("about:blank")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, **LINK})
    return context, page, Wire(cdp)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pack", type=Path, default=MEETING_PACK, help="a folder of PDFs for `flask demo`")
    parser.add_argument("--first-page-only", action="store_true", help="skip reading end to end")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        template = Path(scratch) / "template"
        make_demo_data(template, args.pack)
        server = LiveServer(template, Path(scratch) / "data")
        server.start()
        try:
            document = report_document(server)
        finally:
            server.stop()
        compared = before_and_after(template, Path(scratch), document)
        figures = {}
        if not args.first_page_only:
            server = LiveServer(template, Path(scratch) / "data-read")
            server.start()
            try:
                figures = browse(server, document)
                figures.update(warm_latency(server, document, figures.pop("cookie")))
            finally:
                server.stop()
    pdf = MEETING_PACK / REPORT
    if args.pack != MEETING_PACK:
        pdf = max(args.pack.glob("*.pdf"), key=lambda path: path.stat().st_size)
    print(
        f"Document: {document['title']}, {document['page_count']} pages;"
        f" link: {LINK['latency']} ms round trip,"
    )
    print(f"1.6 Mbit/s down, 0.75 Mbit/s up; browser cache empty; tablet; median of {COLD_LOADS} cold loads")
    before, after = compared.values()
    for name, run in compared.items():
        print(
            f"first page, {name:<24} {run['s']:.2f} s (seen by the harness {run['harness_s']:.2f} s),"
            f" {run['kb']:.0f} KB, {run['scripts']:.0f} script files, reader HTML {run['html_kb']:.1f} KB"
        )
    print(f"after / before: time {after['s'] / before['s']:.2f}x, bytes {after['kb'] / before['kb']:.2f}x")
    failed = False
    for key, value in (("first_page_s", after["s"]), ("first_page_kb", after["kb"])):
        ok = value <= TARGETS[key]
        failed |= not ok
        print(f"{key} {value:.2f} target <= {TARGETS[key]}: {'PASS' if ok else 'FAIL'}")
    if args.first_page_only:
        return 1 if failed else 0
    figures["first_page_s"], figures["first_page_kb"] = after["s"], after["kb"]
    pages = document["page_count"]
    pdf_per_page_kb = pdf.stat().st_size / 1024 / pages
    print(f"PDF's own bytes per page (baseline): {pdf_per_page_kb:.1f} KB")
    print()
    rows = [
        ("first page on screen", f"{figures['first_page_s']:.2f} s", "first_page_s"),
        ("bytes until the first page", f"{figures['first_page_kb']:.0f} KB", "first_page_kb"),
        (
            "reading end to end, per page",
            f"{figures['per_page_kb']:.1f} KB = {figures['per_page_kb'] / pdf_per_page_kb:.2f}x the PDF",
            "per_page_kb",
        ),
        (
            "  of which document data per page",
            f"{figures['read_document_kb'] / pages:.1f} KB (the rest: HTML, scripts, styles, annotations)",
            None,
        ),
        (
            "largest thumbnail",
            f"{figures['thumbnail_kb']:.1f} KB (mean {figures['thumbnail_mean_kb']:.1f} KB, "
            f"{figures['thumbnails']} fetched) = {figures['thumbnail_kb'] / pdf_per_page_kb:.2f}x a PDF page",
            "thumbnail_kb",
        ),
        (
            "warm page image, kept-alive",
            f"{figures['warm_image_ms']:.2f} ms median (TCP connect {figures['tcp_connect_ms']:.2f} ms)",
            "warm_image_ms",
        ),
        ("warm page view, kept-alive", f"{figures['warm_view_ms']:.2f} ms median", None),
        ("warm small JSON, kept-alive", f"{figures['warm_json_ms']:.2f} ms median", None),
    ]
    print(
        "where the bytes went while reading: "
        + ", ".join(
            f"{kind} {kb:.0f} KB"
            for kind, kb in sorted(figures["breakdown"].items(), key=lambda item: -item[1])
        )
    )
    for label, value, target in rows:
        verdict = ""
        if target:
            ok = figures[target] <= TARGETS[target]
            failed |= not ok
            verdict = f"  target <= {TARGETS[target]}: {'PASS' if ok else 'FAIL'}"
        print(f"{label:<36} {value}{verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
