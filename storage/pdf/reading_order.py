"""Reading order of a page's lines: top to bottom, text columns left to right, a table row by row.

Columns are found from gutters (x ranges no line crosses) shared by consecutive horizontal
bands; side-by-side prose reads column by column, anything else side by side is a table, read
row by row and each row cell by cell. Pure Python over `Line`s, as storage.pdf.paragraphs.
"""

import re
from dataclasses import dataclass, replace
from itertools import pairwise

Box = tuple[float, float, float, float]
_Range = tuple[float, float]

_NUMERIC = re.compile(r"[\d.,:%/+\-–()]+")


@dataclass(frozen=True)
class Line:
    """A text line: x/y in its page's reading frame (text runs left to right), `box` as shown."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    box: Box
    text: str
    size: float
    bold: bool


@dataclass(frozen=True)
class Segment:
    """Lines read in order: a stretch of one column, or one table row."""

    lines: list[Line]
    table: bool
    left: float
    right: float


def order(lines: list[Line]) -> list[Segment]:
    """Top to bottom; text columns left to right; a table row by row, each row cell by cell."""
    if not lines:
        return []
    left, right = min(ln.x0 for ln in lines), max(ln.x1 for ln in lines)
    segments: list[Segment] = []
    for run in _gutter_runs(_bands(lines)):
        segments.extend(_order_run(run, left, right))
    return segments


def _bands(lines: list[Line]) -> list[list[Line]]:
    """Horizontal strips split where the page is blank from side to side."""
    bands: list[list[Line]] = []
    bottom = float("-inf")
    for line in sorted(lines, key=lambda ln: (ln.y0, ln.x0)):
        if bands and line.y0 < bottom - 0.1 * (line.y1 - line.y0):
            bands[-1].append(line)
            bottom = max(bottom, line.y1)
        else:
            bands.append([line])
            bottom = line.y1
    return bands


def _clusters(lines: list[Line]) -> list[list[Line]]:
    """Lines grouped by overlapping horizontal extent, left to right."""
    clusters: list[list[Line]] = []
    right = float("-inf")
    for line in sorted(lines, key=lambda ln: ln.x0):
        gutter = min(line.size, clusters[-1][-1].size) if clusters else 0
        if clusters and line.x0 < right + gutter:
            clusters[-1].append(line)
            right = max(right, line.x1)
        else:
            clusters.append([line])
            right = line.x1
    return clusters


def _gaps(lines: list[Line]) -> list[_Range]:
    """Vertical gutters: x ranges that no line of the group crosses."""
    clusters = _clusters(lines)
    return [(max(ln.x1 for ln in a), min(ln.x0 for ln in b)) for a, b in pairwise(clusters)]


def _overlap(a: list[_Range], b: list[_Range]) -> list[_Range]:
    """Gutters present in both groups (their common x ranges)."""
    common = []
    for a0, a1 in a:
        for b0, b1 in b:
            if min(a1, b1) > max(a0, b0):
                common.append((max(a0, b0), min(a1, b1)))
    return common


def _gutter_runs(bands: list[list[Line]]) -> list[list[list[Line]]]:
    """Consecutive bands that share a gutter with the band above belong to one columned run."""
    runs: list[list[list[Line]]] = []
    previous: list[_Range] = []
    for band in bands:
        gaps = _gaps(band)
        if runs and gaps and previous and _overlap(gaps, previous):
            runs[-1].append(band)
        else:
            runs.append([band])
        previous = gaps
    return runs


def _order_run(run: list[list[Line]], left: float, right: float) -> list[Segment]:
    """Side-by-side prose reads column by column; else one band is a line, several a table."""
    lines = [line for band in run for line in band]
    common = _gaps(run[0])
    for band in run[1:]:
        common = _overlap(common, _gaps(band))
    if common:
        columns = _split(lines, common)
        if all(_is_textual(column) for column in columns):
            return [segment for column in columns for segment in order(column)]
    if len(run) == 1:
        return [Segment(_visual_lines(lines), False, left, right)]
    return [Segment(_row(band), True, left, right) for band in run]


def _split(lines: list[Line], gutters: list[_Range]) -> list[list[Line]]:
    columns: list[list[Line]] = [[] for _ in range(len(gutters) + 1)]
    for line in lines:
        middle = (line.x0 + line.x1) / 2
        columns[sum(1 for g0, _ in gutters if middle > g0)].append(line)
    return [column for column in columns if column]


def _is_textual(lines: list[Line]) -> bool:
    """Columns of prose, not a table: several lines, mostly words rather than figures."""
    words = [word for line in lines for word in line.text.split()]
    figures = sum(1 for word in words if _NUMERIC.fullmatch(word))
    return len(_visual_lines(lines)) >= 2 and figures <= 0.3 * len(words)


def _row(band: list[Line]) -> list[Line]:
    """A table row's lines cell by cell, each cell top to bottom."""
    return [ln for cell in _clusters(band) for ln in sorted(cell, key=lambda ln: ln.y0)]


def _visual_lines(lines: list[Line]) -> list[Line]:
    """Pieces of one printed line (split by PyMuPDF at wide gaps) joined, top to bottom."""
    merged: list[Line] = []
    for line in sorted(lines, key=lambda ln: (ln.y0 + ln.y1, ln.x0)):
        last = merged[-1] if merged else None
        middle = (line.y0 + line.y1) / 2
        if last and last.y0 < middle < last.y1 and (line.x0 >= last.x1 or line.x1 <= last.x0):
            merged[-1] = _glue(last, line) if last.x0 < line.x0 else _glue(line, last)
        else:
            merged.append(line)
    return sorted(merged, key=lambda ln: (ln.y0, ln.x0))


def _glue(a: Line, b: Line) -> Line:
    """`a` and `b` side by side on one printed line, `a` on the left."""
    main = a if a.x1 - a.x0 >= b.x1 - b.x0 else b
    box = (min(a.box[0], b.box[0]), min(a.box[1], b.box[1]))
    box += (max(a.box[2], b.box[2]), max(a.box[3], b.box[3]))
    y0, y1, text = min(a.y0, b.y0), max(a.y1, b.y1), f"{a.text} {b.text}"
    return replace(a, y0=y0, x1=b.x1, y1=y1, box=box, text=text, size=main.size, bold=main.bold)
