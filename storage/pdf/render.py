"""Turn one PDF page into the bytes a tablet shows: gzipped SVG for text, a raster for scans.

Pure functions over a path, no Flask. Run them only inside a PDF worker process
(storage/workers.py): PyMuPDF holds the GIL and would stall every live socket of the server.
See docs/rendering.md for the measurements behind the choices below.
"""

import gzip
import json
import math
import os
from collections import OrderedDict

import brotli
import pymupdf

from storage.pdf.shared import FORMATS, GLYPH_BLOCK_PAGES, THUMBNAIL_MAX_WIDTH, RenderedPage
from storage.pdf.text_layer import compact_lines
from storage.pdf.vector import (
    VectorPage,
    glyph_sheet,
    page_view,
    standalone_svg,
    vector_page,
)

MAX_OPEN_DOCUMENTS = 4
# A page whose images cover at least this share of its area is a scan or a photo: send pixels.
RASTER_COVERAGE = 0.5
# Past this much markup (a dense map, a CAD drawing) a raster is the lighter load for a tablet.
MAX_SVG_BYTES = 3_000_000
# A bound on the pixmap's memory whatever the page's shape; an A4 page 2048 px wide has 6 MP.
MAX_RASTER_PIXELS = 16_000_000
JPEG_QUALITY = 75
COLOUR_PROBE_WIDTH = 96
# A thumbnail only has to show the shape of the page: this wide at most, in at most 12 KB.
THUMBNAIL_PIXELS = 200
THUMBNAIL_MAX_BYTES = 12 * 1024
THUMBNAIL_QUALITIES = (50, 40, 30)
# Stored once, sent many times: worth brotli's slower, tighter settings.
BROTLI_QUALITY = 9

_open_documents: OrderedDict[str, tuple[int, pymupdf.Document]] = OrderedDict()


def render_page(pdf_path: str, page_number: int, width: int, fmt: str) -> RenderedPage:
    """Render a 1-based page upright, as a desktop viewer shows it; SVG ignores `width`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown page image format {fmt!r}; expected one of {FORMATS}")
    if width < 1:
        raise ValueError(f"width must be positive, got {width}")
    page = _load_page(os.fspath(pdf_path), page_number)
    if fmt == "auto" and width <= THUMBNAIL_MAX_WIDTH:
        return _thumbnail(page, width)
    if fmt == "svg":
        return _svg(_standalone(page))
    if fmt == "png":
        return _png(_pixmap(page, width))
    if fmt == "jpeg":
        return _jpeg(_pixmap(page, width))
    return _auto(page, width)


def render_reader_page(pdf_path: str, page_number: int, words_json: str) -> RenderedPage:
    """What the reader needs to show a text page, in one response: the page drawn with glyphs
    from its block's sheet (or `raster: true` when pixels suit it better) and the text layer."""
    page = _load_page(os.fspath(pdf_path), page_number)
    view = {"page": page_number, "lines": compact_lines(json.loads(words_json))}
    vector = _vector(page, f"p{page_number}-")
    if vector is None:
        view["raster"] = True
    else:
        view["glyphs"] = (page_number - 1) // GLYPH_BLOCK_PAGES
        view.update(page_view(vector, page.rect.width, page.rect.height))
    body = json.dumps(view, ensure_ascii=False, separators=(",", ":")).encode()
    return RenderedPage(brotli.compress(body, quality=BROTLI_QUALITY), "application/json", "br")


def render_glyph_sheet(pdf_path: str, block: int) -> RenderedPage:
    """The outlines of the glyphs on pages of one block (0-based), fetched once by the reader."""
    document = _document(os.fspath(pdf_path))
    first = block * GLYPH_BLOCK_PAGES
    if not 0 <= first < document.page_count:
        raise ValueError(f"glyph block {block} is not in this document")
    vectors = [
        _vector(document[n], "p") for n in range(first, min(first + GLYPH_BLOCK_PAGES, document.page_count))
    ]
    body = glyph_sheet([vector for vector in vectors if vector is not None]).encode()
    return RenderedPage(brotli.compress(body, quality=BROTLI_QUALITY), "image/svg+xml", "br")


def _load_page(pdf_path: str, page_number: int) -> pymupdf.Page:
    document = _document(pdf_path)
    if not 1 <= page_number <= document.page_count:
        raise ValueError(f"page {page_number} is not in 1..{document.page_count}")
    return document[page_number - 1]


def _document(pdf_path: str) -> pymupdf.Document:
    """Opening a PDF costs about as much as rendering a page of it, so keep the recent few open."""
    stamp = os.stat(pdf_path).st_mtime_ns
    cached = _open_documents.pop(pdf_path, None)
    if cached is not None and cached[0] == stamp:
        _open_documents[pdf_path] = cached
        return cached[1]
    if cached is not None:
        cached[1].close()
    document = pymupdf.open(pdf_path, filetype="pdf")
    _open_documents[pdf_path] = (stamp, document)
    while len(_open_documents) > MAX_OPEN_DOCUMENTS:
        _open_documents.popitem(last=False)[1][1].close()
    return document


def _auto(page: pymupdf.Page, width: int) -> RenderedPage:
    """Vector for text and drawings (small and crisp at any zoom), pixels for scans."""
    images = page.get_image_info() if page.get_images() else []
    if _image_coverage(page, images) >= RASTER_COVERAGE:
        return _smallest_raster(_pixmap(page, _scan_width(page, images, width)))
    markup = _standalone(page)
    if len(markup) <= MAX_SVG_BYTES:
        return _svg(markup)
    return _smallest_raster(_pixmap(page, width))


def _vector(page: pymupdf.Page, prefix: str) -> VectorPage | None:
    """The page as compact vector markup, or None where `_auto` sends pixels (a scan, a photo,
    markup too heavy to draw)."""
    images = page.get_image_info() if page.get_images() else []
    if _image_coverage(page, images) >= RASTER_COVERAGE:
        return None
    vector = vector_page(page, prefix)
    return vector if len(vector.markup) <= MAX_SVG_BYTES else None


def _thumbnail(page: pymupdf.Page, width: int) -> RenderedPage:
    """A small gray (or colour) JPEG, lighter settings until it fits the thumbnail budget."""
    pixmap = _pixmap(page, min(width, THUMBNAIL_PIXELS))
    for quality in THUMBNAIL_QUALITIES:
        thumbnail = RenderedPage(pixmap.tobytes("jpeg", jpg_quality=quality), "image/jpeg")
        if len(thumbnail.body) <= THUMBNAIL_MAX_BYTES:
            return thumbnail
    return _thumbnail(page, width * 3 // 4) if width > 64 else thumbnail


def _image_coverage(page: pymupdf.Page, images: list[dict]) -> float:
    """Share of the page under images; bboxes are in unrotated page space."""
    area = page.rect * page.derotation_matrix
    covered = sum(abs(pymupdf.Rect(image["bbox"]) & area) for image in images)
    return min(1.0, covered / abs(area)) if abs(area) else 0.0


def _scan_width(page: pymupdf.Page, images: list[dict], width: int) -> int:
    """A scan holds no detail beyond its own pixels: more only costs bandwidth over 4G."""
    if page.get_text("text").strip():
        return width
    density = max(_pixels_per_point(image) for image in images)
    return max(1, min(width, math.ceil(page.rect.width * density)))


def _pixels_per_point(image: dict) -> float:
    a, b, c, d, _, _ = image["transform"]
    return max(image["width"] / (math.hypot(a, b) or 1), image["height"] / (math.hypot(c, d) or 1))


def _standalone(page: pymupdf.Page) -> bytes:
    """Glyphs as paths (the tablet needs none of the PDF's fonts), compacted: storage/pdf/vector.py."""
    return standalone_svg(vector_page(page, "p"), page.rect.width, page.rect.height).encode()


def _svg(markup: bytes) -> RenderedPage:
    return RenderedPage(gzip.compress(markup, compresslevel=6, mtime=0), "image/svg+xml", "gzip")


def _pixmap(page: pymupdf.Page, width: int) -> pymupdf.Pixmap:
    """Rasterize at `width` pixels across, in gray unless the page has colour."""
    zoom = width / page.rect.width
    zoom = min(zoom, math.sqrt(MAX_RASTER_PIXELS / abs(page.rect)))
    colorspace = pymupdf.csRGB if _has_colour(page) else pymupdf.csGRAY
    return page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), colorspace=colorspace, alpha=False)


def _has_colour(page: pymupdf.Page) -> bool:
    """A thumbnail is enough to tell, and a gray raster is a third of the bytes of an RGB one."""
    zoom = COLOUR_PROBE_WIDTH / page.rect.width
    samples = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False).samples
    return not samples[0::3] == samples[1::3] == samples[2::3]


def _png(pixmap: pymupdf.Pixmap) -> RenderedPage:
    return RenderedPage(pixmap.tobytes("png"), "image/png")


def _jpeg(pixmap: pymupdf.Pixmap) -> RenderedPage:
    return RenderedPage(pixmap.tobytes("jpeg", jpg_quality=JPEG_QUALITY), "image/jpeg")


def _smallest_raster(pixmap: pymupdf.Pixmap) -> RenderedPage:
    """PNG wins on flat drawings, JPEG on scans and photos; the result is cached, so try both."""
    return min(_png(pixmap), _jpeg(pixmap), key=lambda rendered: len(rendered.body))
