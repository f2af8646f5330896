"""What the PDF input checks cost, against the ingest they guard, and how fast a bomb is refused.

Run from the repository root: `python bench/pdf_input_bench.py`. Prints medians of the
complexity check and the active-content scan as a share of the 28-page report's ingest (same
run), the time to refuse the 2.7 KB form bomb (and the
0.02 pt tiling pattern and the Type 3 glyph bomb), and how long a shallower bomb takes to ingest
with the check lifted (what every deeper level multiplies by ten). Exits non-zero when the
checks cost more than 10% of ingest.
"""

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pymupdf  # noqa: E402

from storage.pdf.active import find_active  # noqa: E402
from storage.pdf.complexity import ComplexityLimits, check_complexity  # noqa: E402
from storage.pdf.ingest import PdfLimits, PdfRejected, ingest_pdf  # noqa: E402
from tests.hostile_pdfs import fine_pattern, form_bomb, type3_glyph_bomb  # noqa: E402

REPORT = ROOT / ".." / "shared" / "fixtures" / "meeting" / "bao-cao-kinh-te-xa-hoi.pdf"
ROUNDS = 9
BUDGET = 0.10


def median_s(work) -> float:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def refuse(data: bytes) -> None:
    try:
        ingest_pdf(data)
    except PdfRejected:
        return
    raise AssertionError("the bomb was accepted")


def main() -> int:
    data = REPORT.read_bytes()
    document = pymupdf.open(stream=data, filetype="pdf")
    ingest = median_s(lambda: ingest_pdf(data))
    complexity = median_s(lambda: check_complexity(document, ComplexityLimits()))
    active = median_s(lambda: find_active(document))
    bomb = form_bomb()
    refusal = median_s(lambda: refuse(bomb))
    pattern = fine_pattern()
    pattern_refusal = median_s(lambda: refuse(pattern))
    glyphs = type3_glyph_bomb()
    glyph_refusal = median_s(lambda: refuse(glyphs))
    lifted = PdfLimits(complexity=ComplexityLimits(10**6, 99, 10**12, 10**15, 10**12))
    shallow = form_bomb(depth=5)
    started = time.perf_counter()
    ingest_pdf(shallow, lifted)
    shallow_s = time.perf_counter() - started
    share = (complexity + active) / ingest
    print(f"report ingest (28 pages)        {ingest * 1000:8.1f} ms")
    print(f"complexity check                {complexity * 1000:8.1f} ms")
    print(f"active-content scan             {active * 1000:8.1f} ms")
    print(f"checks / ingest                 {share:8.3f}  (budget {BUDGET})")
    print(f"form bomb ({len(bomb)} B) refused in   {refusal * 1000:8.1f} ms")
    print(f"0.02 pt pattern ({len(pattern)} B) refused {pattern_refusal * 1000:6.1f} ms")
    print(f"Type 3 glyph bomb ({len(glyphs)} B) refused {glyph_refusal * 1000:4.1f} ms")
    print(
        f"depth-5 bomb, check lifted      {shallow_s * 1000:8.1f} ms  (x10 per level; the attack is depth 9)"
    )
    return 0 if share <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
