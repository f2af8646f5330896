"""Serving pages: images, the reader's page views and glyph sheets, from the disk cache or made
once in a worker with a time bound; a new document's pages are made once in the background."""

import logging
from collections.abc import Callable

from sqlalchemy import select

from accounts.models import User
from core.errors import AppError
from core.extensions import db
from documents import presenters
from documents.models import Document, DocumentPage
from documents.reading import get_document
from documents.runtime import DocumentRuntime
from storage import placeholders
from storage.page_cache import WIDTH_BUCKETS, snap_width
from storage.pdf.shared import FORMATS as IMAGE_FORMATS
from storage.pdf.shared import GLYPH_BLOCK_PAGES, THUMBNAIL_MAX_WIDTH, PdfRejected, RenderedPage
from storage.workers import RenderTimeout

log = logging.getLogger(__name__)
# Widths the reader asks for most: a tablet at DPR 2 and a phone at DPR 3, after snapping.
PREWARM_RASTER_WIDTHS = (2048, 1280)
# What the reader's script must agree on with the server, handed to it with the page.
READER_CONSTANTS = {
    "width_buckets": WIDTH_BUCKETS,
    "glyph_block_pages": GLYPH_BLOCK_PAGES,
    "thumbnail_width": THUMBNAIL_MAX_WIDTH,
}


def _page(document: Document, number: int) -> DocumentPage:
    """One page's row, without loading the document's other pages."""
    page = None
    if 1 <= number <= document.page_count:
        page = db.session.scalar(
            select(DocumentPage).where(DocumentPage.document_id == document.id, DocumentPage.number == number)
        )
    if page is None:
        raise AppError("page_not_found", 404, page=number)
    return page


def page_words(user: User, document_id: int, number: int) -> dict:
    page = _page(get_document(user, document_id), number)
    return presenters.page_words_json(page)


def page_view(user: User, document_id: int, number: int, runtime: DocumentRuntime) -> RenderedPage:
    """The reader's page: vector markup placing glyphs from a sheet, and the text layer."""
    document = get_document(user, document_id)
    page = _page(document, number)
    return view_cached(runtime, document.sha256, number, lambda: page.words_json)


def glyph_sheet(user: User, document_id: int, block: int, runtime: DocumentRuntime) -> RenderedPage:
    """Glyph outlines for one block of pages; `block` is 0-based, as `page_view` names it."""
    document = get_document(user, document_id)
    if not 0 <= block * GLYPH_BLOCK_PAGES < document.page_count:
        raise AppError("page_not_found", 404, page=block * GLYPH_BLOCK_PAGES + 1)
    return glyphs_cached(runtime, document.sha256, block)


def _cached(
    runtime: DocumentRuntime, key: tuple, make: Callable[[str], RenderedPage], words_json=None
) -> RenderedPage:
    """From the disk cache, or made once in a worker (`make` gets the PDF's path) with a time bound.
    A page that ran past the bound is remembered and answered with a placeholder (storage/placeholders.py)."""
    cached = runtime.cache.get(key)
    if cached is not None:
        return cached
    late = placeholders.marker_key(key)
    if placeholders.still_remembered(runtime.cache.get(late)):
        return placeholders.placeholder(key, words_json() if words_json else None)
    try:
        made = make(str(runtime.store.local_path(key[0])))
    except RenderTimeout:
        log.warning("Page %s of %s ran past the render bound; a placeholder stands in", key[1], key[0][:12])
        runtime.cache.put(late, placeholders.marker())
        return placeholders.placeholder(key, words_json() if words_json else None)
    except PdfRejected as failure:
        busy = failure.params if failure.code == "server_busy" else {}
        raise AppError(failure.code, 503, **busy) from None
    runtime.cache.put(key, made)
    return made


def page_image(
    user: User, document_id: int, number: int, width: int, fmt: str, runtime: DocumentRuntime
) -> RenderedPage:
    """Serve from the disk cache; render in a worker with a time bound on a miss."""
    document = get_document(user, document_id)
    page = _page(document, number)
    if fmt not in IMAGE_FORMATS:
        raise AppError("validation_error", detail="format")
    return render_cached(runtime, document.sha256, number, width, _resolve_format(fmt, width, page))


def _resolve_format(fmt: str, width: int, page: DocumentPage) -> str:
    """Text pages go as SVG (one cache entry at every zoom) but thumbnails as small rasters;
    scanned pages let the renderer pick."""
    thumbnail = width <= THUMBNAIL_MAX_WIDTH
    return "svg" if fmt == "auto" and not page.is_scanned and not thumbnail else fmt


def prewarm_pages(runtime: DocumentRuntime, digest: str, pages: list[tuple[int, bool, str]]) -> None:
    """Render a new document's pages once, so delegates' first look comes from the cache:
    what the reader asks for (glyph sheets, page views, scans at the usual widths) and thumbnails."""
    try:
        for block in range((len(pages) - 1) // GLYPH_BLOCK_PAGES + 1):
            glyphs_cached(runtime, digest, block)
        for number, scanned, words_json in pages:
            if scanned:
                for width in PREWARM_RASTER_WIDTHS:
                    render_cached(runtime, digest, number, width, "auto")
            else:
                view_cached(runtime, digest, number, lambda words=words_json: words)
        for number, _, _ in pages:
            render_cached(runtime, digest, number, THUMBNAIL_MAX_WIDTH, "auto")
    except AppError as error:
        log.warning("Pre-rendering %s stopped: %s", digest[:12], error.code)


def render_cached(runtime: DocumentRuntime, digest: str, number: int, width: int, fmt: str) -> RenderedPage:
    width = snap_width(width)
    return _cached(
        runtime, (digest, number, fmt, width), lambda path: runtime.pool.render(path, number, width, fmt)
    )


def view_cached(
    runtime: DocumentRuntime, digest: str, number: int, words_json: Callable[[], str]
) -> RenderedPage:
    """`words_json` is asked for only on a miss: the page's words are only needed to make the view."""
    return _cached(
        runtime,
        (digest, number, "view", 0),
        lambda path: runtime.pool.reader_page(path, number, words_json()),
        words_json,
    )


def glyphs_cached(runtime: DocumentRuntime, digest: str, block: int) -> RenderedPage:
    return _cached(
        runtime, (digest, block + 1, "glyphs", 0), lambda path: runtime.pool.glyph_sheet(path, block)
    )
