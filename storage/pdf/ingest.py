"""Upload-time PDF checks and a one-pass extraction of pages, words and paragraphs.

Every coordinate leaving this module is in PDF points of the page as displayed (`page.rect`,
origin top-left, after /Rotate), so it lines up with a rendered image of the page.
"""

import json
import math
import re
import unicodedata
from dataclasses import dataclass

import pymupdf

from storage.pdf.active import REFUSED, find_active, strip_active
from storage.pdf.complexity import TooComplex, check_complexity
from storage.pdf.paragraphs import PageText, ParagraphInfo, analyse
from storage.pdf.reading_order import Box, Line
from storage.pdf.shared import IngestResult, PageInfo, PdfLimits, PdfRejected, Word

__all__ = [
    "IngestResult",
    "PageInfo",
    "ParagraphInfo",
    "PdfLimits",
    "PdfRejected",
    "Word",
    "ingest_pdf",
    "open_checked",
]

# One extraction per page feeds words and paragraphs: the dict defaults, but ligatures come
# out as plain letters and images stay out (a scan's pixels are not needed to see it is one).
_UNWANTED = pymupdf.TEXT_PRESERVE_LIGATURES | pymupdf.TEXT_PRESERVE_IMAGES
_TEXT_FLAGS = pymupdf.TEXTFLAGS_DICT & ~_UNWANTED
_Affine = tuple[float, float, float, float, float, float]
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_MUPDF_ERRORS = (RuntimeError, ValueError, pymupdf.mupdf.FzErrorBase)
_FILENAME = re.compile(
    r"(?i)\.(?:pdf|docx?|odt|rtf|xlsx?|pptx?|txt)$|^microsoft \w+ - |[\\/]|^\S*[-_]\S*$|^untitled$"
)
_SCANNED_MAX_CHARS = 20  # a scan may carry a stamp or a page number as text, little more
_SCANNED_MIN_COVER = 0.7  # ... and its images cover most of the page


def open_checked(data: bytes, limits: PdfLimits) -> pymupdf.Document:
    """Refuse what the app cannot safely show; the caller closes the document it gets."""
    if not data:
        raise PdfRejected("file_empty")
    if len(data) > limits.max_bytes:
        raise PdfRejected("file_too_large", limit_mb=_plain(limits.max_bytes / 2**20))
    if b"%PDF-" not in data[:1024]:
        raise PdfRejected("not_a_pdf")
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except _MUPDF_ERRORS as error:
        raise PdfRejected("pdf_damaged") from error
    try:
        _check(doc, limits)
    except BaseException:
        doc.close()
        raise
    return doc


def ingest_pdf(data: bytes, limits: PdfLimits = PdfLimits()) -> IngestResult:
    """Validate, take out active content, then read each page's text once for its words,
    paragraphs and the title (from the sanitized copy, the file that will be stored)."""
    sanitized = None
    with open_checked(data, limits) as doc:
        removed = _sanitize(doc)
        if not removed:
            read, metadata_title = _read_all(doc)
        else:
            sanitized = doc.tobytes(garbage=3, deflate=True)
    if removed:
        with pymupdf.open(stream=sanitized, filetype="pdf") as doc:
            left = find_active(doc)
            if left:  # stripping missed something: refuse rather than serve it
                raise PdfRejected("pdf_active_content", element=left[0])
            read, metadata_title = _read_all(doc)
    layout = analyse([text for _, _, text in read])
    return IngestResult(
        page_count=len(read),
        title=layout.title or _metadata_title(metadata_title),
        pages=[info for info, _, _ in read],
        words_json=[words for _, words, _ in read],
        paragraphs=layout.paragraphs,
        removed=removed,
        sanitized=sanitized,
    )


def _read_all(doc: pymupdf.Document) -> tuple[list, str]:
    try:
        return [_read_page(page) for page in doc], (doc.metadata or {}).get("title") or ""
    except _MUPDF_ERRORS as error:
        raise PdfRejected("pdf_damaged") from error


def _sanitize(doc: pymupdf.Document) -> list[str]:
    try:
        return strip_active(doc)
    except _MUPDF_ERRORS as error:
        raise PdfRejected("pdf_damaged") from error


def _check(doc: pymupdf.Document, limits: PdfLimits) -> None:
    """Refusal codes in their documented order: the first problem found is the one reported."""
    try:
        if not doc.is_pdf:
            raise PdfRejected("not_a_pdf")
        if doc.needs_pass:
            raise PdfRejected("pdf_encrypted")
        if doc.page_count == 0 or doc.is_repaired:
            raise PdfRejected("pdf_damaged")
        refused = [name for name in find_active(doc) if name in REFUSED]
        if refused:
            raise PdfRejected("pdf_active_content", element=refused[0])
        if doc.page_count > limits.max_pages:
            raise PdfRejected("too_many_pages", limit=limits.max_pages)
        check_complexity(doc, limits.complexity)
        sizes = [doc.load_page(number).rect for number in range(doc.page_count)]
        if doc.is_repaired:  # a page that only loaded after MuPDF patched the file up
            raise PdfRejected("pdf_damaged")
    except TooComplex as excess:
        raise PdfRejected("pdf_too_complex", reason=excess.what, page=excess.page or 0) from None
    except _MUPDF_ERRORS as error:
        raise PdfRejected("pdf_damaged") from error
    limit = limits.max_page_side_pt
    for number, rect in enumerate(sizes, start=1):
        if max(rect.width, rect.height) > limit:
            raise PdfRejected("page_too_large", page=number, limit_pt=_plain(limit))


def _plain(value: float) -> int | float:
    """A limit as people write it: 50, not 50.0."""
    return int(value) if float(value).is_integer() else round(value, 1)


def _metadata_title(title: str) -> str:
    """The PDF's own title, unless it is just the name of the file it was made from."""
    title = " ".join(title.split())
    return "" if _FILENAME.search(title) else title


# One page


def _read_page(page: pymupdf.Page) -> tuple[PageInfo, str, PageText]:
    textpage = page.get_textpage(flags=_TEXT_FLAGS)
    text_dict = page.get_text("dict", textpage=textpage)
    shown = _Shown(tuple(page.rotation_matrix), page.rect.width, page.rect.height)
    words, chars = _text_layer(page.get_text("words", textpage=textpage), shown)
    bounds = pymupdf.Rect(0, 0, text_dict["width"], text_dict["height"])
    info = PageInfo(
        number=page.number + 1,
        width=page.rect.width,
        height=page.rect.height,
        rotation=page.rotation,
        has_text=chars > 0,
        is_scanned=chars < _SCANNED_MAX_CHARS and _image_cover(page, bounds) >= _SCANNED_MIN_COVER,
    )
    return info, words, _page_text(text_dict, page.number + 1, shown)


@dataclass(frozen=True)
class _Shown:
    """The page as displayed: where its rotation matrix takes a box, kept within its edges."""

    matrix: _Affine
    width: float
    height: float

    def box(self, rect: Box) -> Box:
        x0, y0, x1, y1 = rect if self.matrix == _IDENTITY else _moved(rect, self.matrix)
        if x0 < 0 or y0 < 0 or x1 > self.width or y1 > self.height:
            return (max(x0, 0.0), max(y0, 0.0), min(x1, self.width), min(y1, self.height))
        return (x0, y0, x1, y1)


def _text_layer(raw_words: list[tuple], shown: _Shown) -> tuple[str, int]:
    """The page's words as JSON, and how many letters they hold.

    A hot loop (hundreds of words a page), hence the local names; 0.1 pt is finer than a
    reader's finger and keeps the stored text layer small.
    """
    box, nfc = shown.box, unicodedata.normalize
    rows, chars = [], 0
    for raw in raw_words:
        x0, y0, x1, y1 = box(raw[:4])
        text = nfc("NFC", raw[4])
        chars += len(text)
        rows.append((round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1), text))
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":")), chars


def _moved(box: Box, matrix: _Affine) -> Box:
    """`box` under a quarter-turn matrix; `Rect * Matrix` costs ten times more per word."""
    a, b, c, d, e, f = matrix
    x0, y0 = box[0] * a + box[1] * c + e, box[0] * b + box[1] * d + f
    x1, y1 = box[2] * a + box[3] * c + e, box[2] * b + box[3] * d + f
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _image_cover(page: pymupdf.Page, bounds: pymupdf.Rect) -> float:
    """Share of the page that images cover (overlaps counted twice, capped at all of it)."""
    covered = sum(abs(pymupdf.Rect(image["bbox"]) & bounds) for image in page.get_image_info())
    return min(1.0, covered / abs(bounds)) if abs(bounds) else 0.0


def _page_text(text_dict: dict, number: int, shown: _Shown) -> PageText:
    """The page's lines, laid out in a frame where its main text direction reads left to right."""
    raw = [line for block in text_dict["blocks"] if block["type"] == 0 for line in block["lines"]]
    quarter = _main_quarter(raw)
    turn = pymupdf.Matrix(-90 * quarter)
    frame = pymupdf.Rect(0, 0, text_dict["width"], text_dict["height"]) * turn
    to_frame = tuple(turn * pymupdf.Matrix(1, 0, 0, 1, -frame.x0, -frame.y0))
    along = [raw_line for raw_line in raw if _quarter(raw_line["dir"]) == quarter]
    lines = [_line(raw_line, number, to_frame, shown) for raw_line in along]
    return PageText(number, frame.width, frame.height, [line for line in lines if line])


def _quarter(direction: tuple[float, float]) -> int:
    """Writing direction in quarter turns clockwise: 0 right, 1 down, 2 left, 3 up."""
    return round(math.atan2(direction[1], direction[0]) / (math.pi / 2)) % 4


def _main_quarter(raw_lines: list[dict]) -> int:
    """The direction most lines run in; a stamp or a margin note is outvoted."""
    count = [0, 0, 0, 0]
    for raw in raw_lines:
        count[_quarter(raw["dir"])] += 1
    return count.index(max(count))


def _line(raw: dict, number: int, to_frame: _Affine, shown: _Shown) -> Line | None:
    spans = raw["spans"]
    text = unicodedata.normalize("NFC", " ".join("".join([s["text"] for s in spans]).split()))
    if not text:
        return None
    # The longest run sets size and weight, so accents drawn from a fallback font do not.
    main = max(spans, key=lambda span: len(span["text"]))
    size, bold = round(main["size"], 1), bool(main["flags"] & pymupdf.TEXT_FONT_BOLD)
    x0, y0, x1, y1 = _moved(raw["bbox"], to_frame)
    first = next(span for span in spans if span["text"].strip())
    lead = len(first["text"]) - len(first["text"].lstrip())
    if lead or first is not spans[0]:  # indented with spaces: start at the first letter
        left, _, right, _ = _moved(first["bbox"], to_frame)
        x0 = left + (right - left) * lead / len(first["text"])
    return Line(number, x0, y0, x1, y1, shown.box(raw["bbox"]), text, size, bold)
