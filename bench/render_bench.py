"""Page rendering: raw PyMuPDF, a cache miss through the worker pool, a cache hit; bytes on the wire.

Run from the repository root: `python bench/render_bench.py`. Exits non-zero when a target fails.

What "cold" means here (the pool's own cost on top of PyMuPDF's):
- cold, document open: nothing in the page cache, the worker already has the PDF open (the
  usual case: a delegate turning pages of a document others are reading). Measured as the
  app's miss path: cache.get -> pool.render -> cache.put into an empty cache.
- cold, document not open: as above, but the worker has never opened this file (a fresh
  path each time), so MuPDF parses the file and loads the page's fonts. Compared with the
  same in one process: open + render + gzip.
- fresh worker: the first job of a new pool, once: start Python, import PyMuPDF, render.
Raw is this process rendering the same page into the same bytes the app serves (for SVG:
get_svg_image, made compact by storage/pdf/vector.py, gzip), with the document open, repeated
like the cold runs; MuPDF's own SVG + gzip, what was served before, is printed beside it.
"""

import gzip
import itertools
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pymupdf  # noqa: E402

from storage.page_cache import PageCache, snap_width  # noqa: E402
from storage.pdf.render import RenderedPage, render_page  # noqa: E402
from storage.workers import PdfWorkerPool  # noqa: E402

REPORT = ROOT / ".." / "shared" / "fixtures" / "meeting" / "bao-cao-kinh-te-xa-hoi.pdf"
DIGEST = "0" * 64  # the cache key's digest; its value does not matter here
TEXT_PAGE, TABLE_PAGE, SCANNED_PAGE, ROTATED_PAGE = 2, 4, 9, 11
WIDTH = 1536
ITERATIONS = 15
COLD_RATIO_TARGET = 1.5
WARM_TARGET_MS = 15.0
WIRE_TARGET_KB, WIRE_GOAL_KB = 150, 60


def median_ms(run: Callable[[], object], iterations: int) -> float:
    """Median wall time of `run()` over `iterations` calls, after one untimed warm-up."""
    run()
    times = []
    for _ in range(iterations):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def wire_bytes(page: RenderedPage) -> int:
    """What crosses the network when the client accepts gzip: gzip applies to every response."""
    return len(page.body) if page.encoding == "gzip" else len(gzip.compress(page.body))


def kb(page: RenderedPage) -> str:
    return f"{wire_bytes(page) / 1000:.1f}"


def row(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<44}{value:>9}  {note}".rstrip())


def raw_served(path: str, page_number: int) -> bytes:
    """The bytes the app serves, made in this process: MuPDF's SVG, made compact (vector.py), gzip."""
    return render_page(path, page_number, WIDTH, "auto").body


def mupdf_svg(document: pymupdf.Document, page_number: int) -> bytes:
    """What pages were before the compact rewrite: MuPDF's SVG as it comes, gzip."""
    svg = document[page_number - 1].get_svg_image(text_as_path=True).encode()
    return gzip.compress(svg, compresslevel=6, mtime=0)


def raw_gray_png(document: pymupdf.Document, page_number: int) -> bytes:
    page = document[page_number - 1]
    zoom = WIDTH / page.rect.width
    pixmap = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), colorspace=pymupdf.csGRAY, alpha=False)
    return pixmap.tobytes("png")


def formats_table(path: str) -> None:
    """The numbers behind docs/rendering.md: every format for each kind of page."""
    print(f"\nformats at width {WIDTH} (render ms: median of 5, in process, document open)")
    print(f"{'page':<14}{'format':<8}{'served as':<15}{'on the wire':>12}{'render ms':>11}")
    for name, number in (
        ("text", TEXT_PAGE),
        ("table", TABLE_PAGE),
        ("scan", SCANNED_PAGE),
        ("rotated", ROTATED_PAGE),
    ):
        for fmt in ("svg", "png", "jpeg", "auto"):
            page = render_page(path, number, WIDTH, fmt)
            ms = median_ms(lambda n=number, f=fmt: render_page(path, n, WIDTH, f), 5)
            print(f"{f'{name} (p{number})':<14}{fmt:<8}{page.mimetype:<15}{kb(page):>9} KB{ms:>11.1f}")


def largest_text_page(path: str) -> tuple[int, int]:
    """Every page the app serves as SVG, by its size on the wire: the budget holds for all."""
    sizes = []
    for number in range(1, pymupdf.open(path).page_count + 1):
        page = render_page(path, number, WIDTH, "auto")
        if page.mimetype == "image/svg+xml":
            sizes.append((wire_bytes(page), number))
    return max(sizes)


def interleaved_medians(runs: dict[str, Callable[[int], object]]) -> dict[str, float]:
    """Each round runs every variant once, so a busy machine slows them all alike."""
    for run in runs.values():
        run(-1)
    times: dict[str, list[float]] = {name: [] for name in runs}
    for i in range(ITERATIONS):
        for name, run in runs.items():
            started = time.perf_counter()
            run(i)
            times[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> int:
    scratch = Path(tempfile.mkdtemp(prefix="render-bench-"))
    path = str(shutil.copy(REPORT, scratch / "report.pdf"))
    copies = [str(shutil.copy(path, scratch / f"copy-{i}.pdf")) for i in range(-1, ITERATIONS)]
    document = pymupdf.open(path)
    width = snap_width(WIDTH)
    key = (DIGEST, TEXT_PAGE, "auto", width)
    served = render_page(path, TEXT_PAGE, width, "auto")
    assert served.mimetype == "image/svg+xml", "the text page should be served as SVG"
    warm_cache = PageCache(scratch / "warm")
    warm_cache.put(key, served)
    empty_caches = (PageCache(scratch / f"cache-{n}") for n in itertools.count())

    def cold(pdf: str) -> None:
        cache = next(empty_caches)
        assert cache.get(key) is None
        cache.put(key, pool.render(pdf, TEXT_PAGE, width, "auto"))

    pool = PdfWorkerPool(size=1, timeout_s=30)
    try:
        started = time.perf_counter()
        pool.render(path, TEXT_PAGE, width, "auto")
        fresh_worker = (time.perf_counter() - started) * 1000
        ms = interleaved_medians(
            {
                "raw": lambda _: raw_served(path, TEXT_PAGE),
                "raw_svg_only": lambda _: mupdf_svg(document, TEXT_PAGE),
                "raw_png": lambda _: raw_gray_png(document, TEXT_PAGE),
                "raw_open": lambda i: raw_served(copies[i + 1], TEXT_PAGE),
                "cold_open": lambda _: cold(path),
                "cold_unopened": lambda i: cold(copies[i + 1]),
                "warm": lambda _: warm_cache.get(key),
            }
        )
    finally:
        pool.close()
    raw, cold_open, warm = ms["raw"], ms["cold_open"], ms["warm"]
    scan = render_page(path, SCANNED_PAGE, width, "auto")
    largest, largest_page = largest_text_page(path)

    print(f"text page {TEXT_PAGE} of {REPORT.name} at width {width}: served as {served.mimetype}, gzip")
    print(f"medians of {ITERATIONS} interleaved runs, ms")
    row("raw, served bytes (compact SVG + gzip)", f"{raw:.2f}")
    row("MuPDF's own SVG + gzip (before)", f"{ms['raw_svg_only']:.2f}")
    row("raw PyMuPDF, gray PNG (reference)", f"{ms['raw_png']:.2f}")
    row("raw, open + served bytes", f"{ms['raw_open']:.2f}")
    row("cold, document open in worker", f"{cold_open:.2f}", f"x{cold_open / raw:.2f} raw")
    row(
        "cold, document not yet open in worker",
        f"{ms['cold_unopened']:.2f}",
        f"x{ms['cold_unopened'] / ms['raw_open']:.2f} raw open",
    )
    row("fresh worker, first job (one run)", f"{fresh_worker:.2f}")
    row("warm, from the page cache", f"{warm:.3f}")
    print("bytes on the wire, gzip accepted, KB")
    row(f"text page {TEXT_PAGE}, served SVG", kb(served))
    row(f"text page {TEXT_PAGE}, gray PNG", kb(RenderedPage(raw_gray_png(document, TEXT_PAGE), "image/png")))
    row(f"largest text page (p{largest_page}), served SVG", f"{largest / 1000:.1f}")
    row(f"scanned page {SCANNED_PAGE}, served {scan.mimetype}", kb(scan))
    formats_table(path)

    checks = [
        (f"cold median <= {COLD_RATIO_TARGET}x raw", cold_open <= COLD_RATIO_TARGET * raw),
        (f"warm median <= {WARM_TARGET_MS:g} ms", warm <= WARM_TARGET_MS),
        (f"every text page <= {WIRE_TARGET_KB} KB on the wire", largest <= WIRE_TARGET_KB * 1000),
    ]
    print()
    for name, passed in checks:
        print(f"{'PASS' if passed else 'FAIL'}  {name}")
    goal = "met" if largest <= WIRE_GOAL_KB * 1000 else "not met"
    print(f"goal of {WIRE_GOAL_KB} KB per text page: {goal}")
    shutil.rmtree(scratch)
    return 0 if all(passed for _, passed in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
