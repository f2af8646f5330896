"""Paragraphs, the anchors of per-paragraph comments, found from a document's line layout.

Pure Python over `Line`s (ingest builds them from PyMuPDF), so layout rules are testable alone.

Kinds:
- "heading": document header lines, titles and section headings (bold, larger or short
  all-caps text); one paragraph per line unless the line visibly wraps.
- "body": prose, including the numbered paragraphs ("1.", "2." ...) councils use as clauses.
- "list": an item opened by a bullet ("-", "•", "+") or a letter ("a)", "b.").
- "table": one table row, its cells left to right.

Running headers, footers and page numbers are dropped, not numbered: nobody comments on them
and they would shift the numbers delegates read out in the hall ("đoạn 12"). Only lines that
run in their page's main text direction are laid out; stray rotated text (stamps, margin
notes) stays in the page's words only.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from math import ceil

from storage.pdf.labels import Path, label_paragraphs
from storage.pdf.reading_order import Box, Line, Segment, order

_MARKER = re.compile(
    r"(?:\d{1,3}(?:\.\d{1,3})*[.)]|[a-zđ][.)]|[IVXLC]{1,6}[.)]|Điều \d+[.:]|[-–•+*▪◦●])(?:\s|$)"
)
_BULLET = re.compile(r"(?:[a-zđ][.)]|[-–•+*▪◦●])(?:\s|$)")
_SECTION = re.compile(r"(?:[IVXLC]{1,6}|\d{1,3}(?:\.\d{1,3})*|[A-Z])[.)]\s")
_ENDS_SENTENCE = re.compile(r"[.!?…:;][\"'”’»)\]]*$")
_PAGE_NUMBER = re.compile(r"(?:trang|page)?[\s\-–—]*\d{1,4}(?:\s*(?:/|of|trên)\s*\d+)?[\s\-–—]*")
_MOTTO = re.compile(r"(?i)cộng ho[àa] xã hội chủ nghĩa|độc lập\s*[-–]\s*tự do")
_DIGITS = re.compile(r"\d+")

_MARGIN_ZONE = 0.12  # running headers and footers sit in the top or bottom 12% of a page
_RUNNING_SHARE = 0.3  # ... and repeat on at least 30% of the pages that have text
_ROW_PT = 3.0  # ... at the same height, give or take a few points
_GAP_FACTOR = 1.35  # a line this much further down than the usual line pitch opens a paragraph


@dataclass
class ParagraphInfo:
    """One commentable paragraph (`kind` as listed above); `parts`: its (page, bbox) pieces."""

    number: int
    page: int
    bbox: Box
    text: str
    kind: str
    parts: list[tuple[int, Box]] = field(default_factory=list)
    # The printed label and legal structure (storage.pdf.labels); None where nothing is printed.
    label: str | None = None
    path: Path | None = None


@dataclass(frozen=True)
class PageText:
    """A page's lines with the size of its reading frame."""

    number: int
    width: float
    height: float
    lines: list[Line]


@dataclass(frozen=True)
class Layout:
    """What the line layout tells: paragraphs in reading order and the title it shows."""

    paragraphs: list[ParagraphInfo]
    title: str


@dataclass(frozen=True)
class _Style:
    """Document-wide typography: the body font size and line pitch per point of font size."""

    body_size: float
    pitch: float


@dataclass
class _Para:
    """A paragraph being built: pieces are its runs of lines on one page or column."""

    pieces: list[list[Line]]
    table: bool = False

    @property
    def lines(self) -> list[Line]:
        return [line for piece in self.pieces for line in piece]


def analyse(pages: list[PageText]) -> Layout:
    """Paragraphs of a whole document, continuations across pages merged, and its title."""
    running = _running_lines(pages)
    ordered = [order([ln for ln in page.lines if ln not in running]) for page in pages]
    style = _style(ordered)
    paras: list[_Para] = []
    for segments in ordered:
        page_paras = _page_paragraphs(segments, style)
        first = page_paras[0] if page_paras else None
        opening = first.lines[0] if first and not first.table else None
        if paras and opening and _continues(paras[-1], opening, segments[0].left, style):
            paras[-1].pieces.extend(page_paras.pop(0).pieces)
        paras.extend(page_paras)
    infos = [_info(number, para, style) for number, para in enumerate(paras, start=1)]
    for info, (label, path) in zip(infos, label_paragraphs([i.text for i in infos]), strict=True):
        info.label, info.path = label, path
    return Layout(infos, _title(paras, infos, style))


# Running headers and footers


def _running_lines(pages: list[PageText]) -> set[Line]:
    """Lines in the page margins that repeat across pages, and bare page numbers there."""
    dropped: set[Line] = set()
    in_margins: dict[int, list[tuple[Line, str, int]]] = defaultdict(list)
    pages_at: dict[tuple[str, int], set[int]] = defaultdict(set)  # same text, same height
    for page in pages:
        for line in page.lines:
            if line.y1 > page.height * _MARGIN_ZONE and line.y0 < page.height * (1 - _MARGIN_ZONE):
                continue
            folded = line.text.casefold()
            if _PAGE_NUMBER.fullmatch(folded) and _alone_in_row(line, page.lines):
                dropped.add(line)
            text, row = _DIGITS.sub("#", folded), round(line.y0 / _ROW_PT)
            pages_at[text, row].add(page.number)
            in_margins[page.number].append((line, text, row))
    needed = max(2, ceil(_RUNNING_SHARE * sum(1 for page in pages if page.lines)))
    for page in pages:
        repeated = {
            line
            for line, text, row in in_margins[page.number]
            if len(set().union(*(pages_at.get((text, row + d), ()) for d in (-1, 0, 1)))) >= needed
        }
        body = [line for line in page.lines if line not in repeated]
        dropped.update(line for line in repeated if _apart(line, body))
    return dropped


def _alone_in_row(line: Line, lines: list[Line]) -> bool:
    return not any(o is not line and o.y0 < line.y1 and o.y1 > line.y0 for o in lines)


def _apart(line: Line, body: list[Line]) -> bool:
    """Set off from the text: a repeated first line of a paragraph is not a running header."""
    reach = 0.8 * line.size
    return not any(o.y0 < line.y1 + reach and o.y1 > line.y0 - reach for o in body)


# Typography


def _style(ordered: list[list[Segment]]) -> _Style:
    """Body size: the size most text is set in; pitch: the tight (lower quartile) line step."""
    chars: dict[float, int] = defaultdict(int)
    pitches = []
    for segments in ordered:
        prose = [line for seg in segments if not seg.table for line in seg.lines]
        for line in prose:
            chars[line.size] += len(line.text)
        for above, below in pairwise(prose):
            step = below.y1 - above.y1
            if above.size == below.size and 0 < step < 3 * below.size:
                pitches.append(step / below.size)
    body = max(chars, key=chars.__getitem__) if chars else 0.0
    pitch = sorted(pitches)[len(pitches) // 4] if pitches else 1.2
    return _Style(body, pitch)


def _headingish(line: Line, style: _Style) -> bool:
    return line.bold or line.size >= style.body_size + 1


def _short(line: Line, seg: Segment) -> bool:
    return line.x1 < seg.right - max(0.12 * (seg.right - seg.left), 3 * line.size)


def _same_style(a: Line, b: Line) -> bool:
    return abs(a.size - b.size) <= 0.6 and a.bold == b.bold


# Paragraphs within a page


def _page_paragraphs(segments: list[Segment], style: _Style) -> list[_Para]:
    paras: list[_Para] = []
    for seg in segments:
        if seg.table:
            paras.append(_Para([seg.lines], table=True))
            continue
        for line in seg.lines:
            current = paras[-1] if paras and not paras[-1].table else None
            if current is None:
                paras.append(_Para([[line]]))
            elif line.y1 < current.pieces[-1][-1].y0:  # back up the page: the next column
                if _continues(current, line, seg.left, style):
                    current.pieces.append([line])
                else:
                    paras.append(_Para([[line]]))
            elif _starts_paragraph(current, line, seg, style):
                paras.append(_Para([[line]]))
            else:
                current.pieces[-1].append(line)
    return paras


def _starts_paragraph(current: _Para, line: Line, seg: Segment, style: _Style) -> bool:
    """Layout signals that `line` opens a new paragraph rather than continuing `current`."""
    above = current.pieces[-1][-1]
    if not _same_style(above, line) or _headingish(above, style) != _headingish(line, style):
        return True
    if line.y1 - above.y1 > _GAP_FACTOR * style.pitch * above.size:
        return True
    if _headingish(above, style):
        return not _wraps(above, line, seg)
    indent = line.x0 - above.x0
    tolerance = 0.5 * line.size
    ended = _ENDS_SENTENCE.search(above.text) is not None
    short = _short(above, seg)
    under_first = len(current.pieces) > 1 or len(current.pieces[-1]) > 1  # not its first line
    if _MARKER.match(line.text) and (
        indent > tolerance or (indent < -tolerance and under_first) or ended or short
    ):
        return True
    if indent > tolerance and (under_first or short):  # a first line indent, not a hanging one
        return True
    return short and ended


def _wraps(above: Line, line: Line, seg: Segment) -> bool:
    """A heading line that runs on: lowercase next, a comma or dash at its end, or flush text."""
    if line.text[0].islower() or above.text.endswith((",", "-", "–")):
        return True
    return not _short(above, seg) and abs(line.x0 - above.x0) <= 0.5 * line.size


def _continues(para: _Para, line: Line, left: float, style: _Style) -> bool:
    """Whether `line`, opening a page or a column whose text starts at `left`, carries on `para`."""
    if para.table:
        return False
    last = para.pieces[-1][-1]
    if not _same_style(last, line) or _headingish(last, style) or _MARKER.match(line.text):
        return False
    if _ENDS_SENTENCE.search(last.text) and not line.text[0].islower():
        return False
    return line.x0 <= max(left, last.x0) + 0.5 * line.size  # not indented: no new paragraph


# Output


def _join(texts: list[str]) -> str:
    """Lines joined with spaces; a soft hyphen is dropped, a hyphen inside a word is kept."""
    out = ""
    for text in texts:
        if not out:
            out = text
        elif out.endswith("\u00ad"):
            out = out[:-1] + text
        elif out.endswith("-") and out[-2:-1].isalnum() and text[:1].isalnum():
            out += text
        else:
            out += " " + text
    return out.replace("\u00ad", "")


def _union(lines: list[Line]) -> Box:
    return (
        round(min(ln.box[0] for ln in lines), 2),
        round(min(ln.box[1] for ln in lines), 2),
        round(max(ln.box[2] for ln in lines), 2),
        round(max(ln.box[3] for ln in lines), 2),
    )


def _kind(para: _Para, text: str, style: _Style) -> str:
    if para.table:
        return "table"
    lines = para.lines
    short = len(lines) <= 3 and len(text) <= 200
    larger = all(line.size >= style.body_size + 1 for line in lines)
    bold = all(line.bold for line in lines)
    if short and (larger or bold or (text.isupper() and len(lines) <= 2)):
        return "heading"
    return "list" if _BULLET.match(text) else "body"


def _info(number: int, para: _Para, style: _Style) -> ParagraphInfo:
    text = _join([line.text for line in para.lines])
    parts = [(piece[0].page, _union(piece)) for piece in para.pieces]
    page, bbox = parts[0]
    return ParagraphInfo(number, page, bbox, text, _kind(para, text, style), parts)


def _title(paras: list[_Para], infos: list[ParagraphInfo], style: _Style) -> str:
    """Page 1's largest heading above the running text (not the motto), and its subtitle."""
    block: list[tuple[float, ParagraphInfo]] = []
    for para, info in zip(paras, infos, strict=True):
        if info.page != 1 or _running_text(para, info):
            break
        block.append((max(line.size for line in para.lines), info))
    headings = [(size, i) for i, (size, info) in enumerate(block) if _title_like(info)]
    size, at = max(headings, key=lambda heading: (heading[0], -heading[1]), default=(0.0, 0))
    if size < style.body_size + 1:  # no line stands out: leave it to the metadata
        return ""
    title = block[at][1].text
    following = block[at + 1][1] if at + 1 < len(block) else None
    if following and _title_like(following) and not _SECTION.match(following.text):
        title = f"{title} – {following.text}"
    return title


def _running_text(para: _Para, info: ParagraphInfo) -> bool:
    return info.kind in ("body", "list") and (len(para.lines) > 1 or len(info.text) > 120)


def _title_like(info: ParagraphInfo) -> bool:
    return info.kind == "heading" and not _MOTTO.search(info.text)
