"""Document operations, by what they are for: uploading (documents.upload), reading
(documents.reading) and serving pages (documents.pages), with what they work with
(documents.runtime) and the JSON they answer with (documents.presenters).

Kept as the one name callers import from: everything below is theirs.
"""

from documents.pages import (
    PREWARM_RASTER_WIDTHS,
    READER_CONSTANTS,
    glyph_sheet,
    glyphs_cached,
    page_image,
    page_view,
    page_words,
    prewarm_pages,
    render_cached,
    view_cached,
)
from documents.presenters import document_detail, upload_summary
from documents.reading import (
    PARAGRAPH_MAX_SPAN_PAGES,
    READING_MAX_PAGES,
    active_documents,
    changes,
    get_document,
    original_file,
    paragraphs,
    reading_text,
)
from documents.runtime import UPLOAD_RETRY_AFTER_S, DocumentRuntime
from documents.upload import (
    REJECTION_STATUS,
    Carry,
    replace_document,
    upload_document,
    withdraw_document,
)
from documents.upload_labels import REMOVED_LABELS

__all__ = [
    "PARAGRAPH_MAX_SPAN_PAGES",
    "PREWARM_RASTER_WIDTHS",
    "READER_CONSTANTS",
    "READING_MAX_PAGES",
    "REJECTION_STATUS",
    "REMOVED_LABELS",
    "UPLOAD_RETRY_AFTER_S",
    "Carry",
    "DocumentRuntime",
    "active_documents",
    "changes",
    "document_detail",
    "get_document",
    "glyph_sheet",
    "glyphs_cached",
    "original_file",
    "page_image",
    "page_view",
    "page_words",
    "paragraphs",
    "prewarm_pages",
    "reading_text",
    "render_cached",
    "replace_document",
    "upload_document",
    "upload_summary",
    "view_cached",
    "withdraw_document",
]
