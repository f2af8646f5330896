"""What the server and the PDF workers both know: jobs' inputs and results, refusals, framing.

No PyMuPDF here, on purpose: the server process imports this module and must never import
PyMuPDF (it holds the GIL and would stall every live socket; tests/test_server_imports.py).
"""

import json
import pickle
import struct
from dataclasses import dataclass, field
from datetime import datetime

from storage.pdf.paragraphs import ParagraphInfo

# Pipe framing between the pool and a worker: an 8-byte big-endian length, then a pickle.
HEADER = struct.Struct(">Q")
FORMATS = ("auto", "svg", "png", "jpeg")
# At this width or less, `auto` answers a thumbnail: a small raster (a text page in at most 12 KB).
THUMBNAIL_MAX_WIDTH = 320
# The reader gets glyph outlines once per this many pages (storage/pdf/vector.py).
GLYPH_BLOCK_PAGES = 32
A4_RECT = (0.0, 0.0, 595.0, 842.0)  # PDF points; what pymupdf.paper_rect("a4") gives


def frame(message: object) -> tuple[bytes, bytes]:
    """Header and payload of one message, kept apart so a large upload is not copied again."""
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(payload)), payload


class PdfRejected(Exception):  # noqa: N818 - the name other modules code against
    """A file refused at upload; `code` is a stable machine code, `params` fill the user message."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class ComplexityLimits:
    """Far above any council document (a 28-page report uses depth 1 and a few dozen forms);
    checked by storage/pdf/complexity.py before any page is interpreted."""

    max_objects: int = 500_000
    max_form_depth: int = 12
    max_form_invocations: int = 20_000  # per page, expanded
    max_content_bytes: int = 64 * 1024 * 1024  # per page, expanded, after decompression
    max_image_pixels: int = 150_000_000  # one image: an A3 scan at 600 dpi is 70 million
    # Tiling-pattern cells drawn per page: a 2 pt hatch over a whole A4 page is 125,000; MuPDF
    # draws about 25 million a second, so the limit keeps a page well under a second.
    max_pattern_cells: int = 4_000_000
    # Content read operator by operator (pages whose cheap bound failed, forms, glyphs, cells),
    # across the whole file: the tokenizer reads about a megabyte a second.
    max_tokenized_bytes: int = 16 * 1024 * 1024


@dataclass(frozen=True)
class PdfLimits:
    """What an upload may weigh; the defaults suit council session packs."""

    max_bytes: int = 50 * 1024 * 1024
    max_pages: int = 500
    max_page_side_pt: float = 5000.0  # ~1.76 m; A0 is 3370 pt
    complexity: ComplexityLimits = field(default_factory=ComplexityLimits)


@dataclass
class PageInfo:
    """A page as displayed: size after /Rotate, and whether it has text or is a bare scan."""

    number: int
    width: float
    height: float
    rotation: int
    has_text: bool
    is_scanned: bool


@dataclass(slots=True)
class Word:
    """One word of the text layer, in displayed-page points (rounded to 0.1 pt, as stored)."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass
class IngestResult:
    """Everything the app keeps from a PDF, read once at upload."""

    page_count: int
    title: str
    pages: list[PageInfo]
    # Per page, its words as the JSON text layer the reader loads: [[x0, y0, x1, y1, text], ...].
    # Encoded here in the worker, so the server stores them without touching each word.
    words_json: list[str]
    paragraphs: list[ParagraphInfo]
    # Active elements taken out (storage.pdf.active); then `sanitized` is the file to store.
    removed: list[str] = field(default_factory=list)
    sanitized: bytes | None = None

    @property
    def words(self) -> list[list[Word]]:
        """The text layer decoded, for checks and tools; the app stores `words_json` as it is."""
        return [[Word(*row) for row in json.loads(page)] for page in self.words_json]


@dataclass(frozen=True)
class RenderedPage:
    """A page image as it is stored and sent: `encoding` is the HTTP Content-Encoding, if any."""

    body: bytes
    mimetype: str
    encoding: str | None = None
    placeholder: bool = False  # stands in for a page that ran past the time bound; not kept long


@dataclass(frozen=True)
class Mark:
    """One annotation to write; `name` becomes the PDF /NM, `reply_to` names the parent's."""

    kind: str  # highlight | ink | note | comment
    page: int  # 1-based
    name: str
    author: str
    content: str
    created: datetime  # naive UTC
    modified: datetime
    quads: list = field(default_factory=list)  # highlight: [[x0, y0, x1, y1], ...]
    paths: list = field(default_factory=list)  # ink: [[[x, y], ...], ...]
    point: tuple[float, float] | None = None  # note, comment: the icon's top-left
    color: str | None = None  # "#rrggbb"
    width: float | None = None  # ink stroke width in points
    reply_to: str | None = None
    subject: str = ""
