"""Ingest must cost at most twice PyMuPDF's own text extraction of the same report.

Run from the repository root: `python bench/ingest_bench.py`. Prints the medians and the
ratio, and exits non-zero when the ratio goes over the budget.
"""

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pymupdf  # noqa: E402

from storage.pdf.ingest import ingest_pdf  # noqa: E402

REPORT = ROOT / ".." / "shared" / "fixtures" / "meeting" / "bao-cao-kinh-te-xa-hoi.pdf"
ROUNDS = 15
BUDGET = 2.0


def raw_extraction(data: bytes) -> None:
    """The yardstick: open the file and take every page's text as a dict, nothing more."""
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        for page in doc:
            page.get_text("dict")


def timed_ms(work, data: bytes) -> float:
    start = time.perf_counter()
    work(data)
    return (time.perf_counter() - start) * 1000


def main() -> int:
    data = REPORT.read_bytes()
    raw_extraction(data)  # warm up fonts and caches for both sides
    ingest_pdf(data)
    raw, ingest = [], []
    for _ in range(ROUNDS):  # alternate, so drift in machine load hits both alike
        raw.append(timed_ms(raw_extraction, data))
        ingest.append(timed_ms(ingest_pdf, data))
    raw_ms, ingest_ms = statistics.median(raw), statistics.median(ingest)
    ratio = ingest_ms / raw_ms
    print(f"{REPORT.name}: {ROUNDS} rounds each, medians")
    print(f"  raw get_text('dict'): {raw_ms:8.1f} ms")
    print(f"  ingest_pdf:           {ingest_ms:8.1f} ms")
    print(f"  ratio:                {ratio:8.2f} (budget {BUDGET:.1f})")
    return 0 if ratio <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
