"""Document operations: ingest once on upload, then serve pages, text and paragraphs to members."""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select
from sqlalchemy.orm.interfaces import ORMOption

from accounts.models import User
from audit import service as audit
from core.broadcast import after_commit, close_room_after_commit, document_room, run_after_commit
from core.cluster import Slots
from core.errors import AppError
from core.extensions import db
from core.transactions import release_connection
from documents.models import Document, DocumentPage, DocumentStatus, Paragraph
from meetings.permissions import can_manage, require_manager, require_visible
from meetings.service import get_agenda_item_for_manager, notify_members
from storage import placeholders
from storage.blobstore import BlobStore
from storage.page_cache import WIDTH_BUCKETS, PageCache, snap_width
from storage.pdf.shared import FORMATS as IMAGE_FORMATS
from storage.pdf.shared import (
    GLYPH_BLOCK_PAGES,
    THUMBNAIL_MAX_WIDTH,
    IngestResult,
    PdfLimits,
    PdfRejected,
    RenderedPage,
)
from storage.reanchor import word_diff
from storage.workers import PdfWorkerPool, RenderTimeout

log = logging.getLogger(__name__)
# Widths the reader asks for most: a tablet at DPR 2 and a phone at DPR 3, after snapping.
PREWARM_RASTER_WIDTHS = (2048, 1280)
# What the reader's script must agree on with the server, handed to it with the page.
READER_CONSTANTS = {
    "width_buckets": WIDTH_BUCKETS,
    "glyph_block_pages": GLYPH_BLOCK_PAGES,
    "thumbnail_width": THUMBNAIL_MAX_WIDTH,
}
# The most pages one paragraph is looked for across when the reader asks for a page's paragraphs.
PARAGRAPH_MAX_SPAN_PAGES = 3
REJECTION_STATUS = {"file_too_large": 413, "not_a_pdf": 415, "server_busy": 503}
UPLOAD_RETRY_AFTER_S = 10
# What the uploader is told was taken out of their file (storage.pdf.active names the elements).
REMOVED_LABELS = {
    "SubmitForm": _l("lệnh gửi biểu mẫu ra ngoài"),
    "ImportData": _l("lệnh nhập dữ liệu từ tệp khác"),
    "GoToR": _l("liên kết mở tệp khác"),
    "GoToE": _l("liên kết mở tệp đính kèm"),
    "EmbeddedFile": _l("tệp đính kèm"),
    "RichMedia": _l("nội dung đa phương tiện"),
    "XFA": _l("biểu mẫu XFA"),
    "OpenAction": _l("lệnh tự chạy khi mở tệp hoặc trang"),
    "UnsafeLink": _l("liên kết chạy mã hoặc mở tệp trên máy (javascript:, file:)"),
}


@dataclass
class DocumentRuntime:
    """The collaborators document operations need, built once by the app factory."""

    store: BlobStore
    pool: PdfWorkerPool
    cache: PageCache
    limits: PdfLimits
    # Runs a function in the background (Socket.IO's task starter); None skips pre-rendering.
    schedule: Callable[..., object] | None = None
    # How many of one person's uploads may be processed at once: counted in this process, or in
    # Redis across every process when they share one (core/cluster.py).
    uploads: Slots = field(default_factory=lambda: Slots(2))

    @property
    def ingests_per_user(self) -> int:
        return self.uploads.limit

    @ingests_per_user.setter
    def ingests_per_user(self, limit: int) -> None:
        self.uploads.limit = limit

    def ingest_turn(self, user_id: int):
        """One of the user's concurrent uploads, or 429 when they already have enough going."""
        refusal = AppError(
            "too_many_uploads", 429, limit=self.uploads.limit, retry_after_s=UPLOAD_RETRY_AFTER_S
        )
        return self.uploads.turn(f"user:{user_id}", refusal)


def _schedule_prewarm(runtime: DocumentRuntime, document: Document) -> None:
    """Once the document is committed: a worker then finds it, and a rolled-back one is never rendered."""
    if runtime.schedule is not None:
        pages = [(page.number, page.is_scanned, page.words_json) for page in document.pages]
        run_after_commit(db.session, lambda: runtime.schedule(prewarm_pages, runtime, document.sha256, pages))


def _ingest(runtime: DocumentRuntime, user_id: int, data: bytes) -> IngestResult:
    """Validate and extract in a worker process, so a hostile file cannot stall the server.

    The caller has checked permissions; the session's connection goes back to the pool here,
    before waiting for a worker (minutes, for a large file), and the caller reloads what it needs.
    """
    release_connection()
    try:
        with runtime.ingest_turn(user_id):
            return runtime.pool.ingest(data, runtime.limits)
    except PdfRejected as rejection:
        status = REJECTION_STATUS.get(rejection.code, 422)
        raise AppError(rejection.code, status, **rejection.params) from None


def _title_for(requested: str | None, result: IngestResult, filename: str) -> str:
    if requested and requested.strip():
        return requested.strip()[:500]
    if result.title:
        return result.title[:500]
    return PurePosixPath(filename or "tai-lieu.pdf").stem.replace("-", " ").replace("_", " ")[:500]


def _build_document(result: IngestResult, digest: str, size: int, **fields) -> Document:
    document = Document(sha256=digest, size_bytes=size, page_count=result.page_count, **fields)
    for page, words_json in zip(result.pages, result.words_json, strict=True):
        document.pages.append(
            DocumentPage(
                number=page.number,
                width=page.width,
                height=page.height,
                rotation=page.rotation,
                is_scanned=page.is_scanned,
                words_json=words_json,
            )
        )
    return document


def _store_paragraphs(document: Document, result: IngestResult) -> None:
    """One multi-row INSERT: a long report has thousands, and ORM objects cost a lot each."""
    if not result.paragraphs:
        return
    db.session.execute(
        insert(Paragraph.__table__),
        [
            {
                "document_id": document.id,
                "number": p.number,
                "page": p.page,
                "x0": p.bbox[0],
                "y0": p.bbox[1],
                "x1": p.bbox[2],
                "y1": p.bbox[3],
                "kind": p.kind,
                "text": p.text,
                "parts": [[page, list(box)] for page, box in p.parts],
                "label": p.label,
                "path": p.path,
            }
            for p in result.paragraphs
        ],
    )


def upload_document(
    actor: User, item_id: int, filename: str, data: bytes, title: str | None, runtime: DocumentRuntime
) -> Document:
    """Add a document to an agenda item; nothing is stored unless the whole file is usable."""
    actor_id = actor.id
    get_agenda_item_for_manager(actor, item_id)  # refuse before spending a worker on it
    result = _ingest(runtime, actor_id, data)
    item = get_agenda_item_for_manager(actor, item_id)  # it may have changed while we waited
    last = max((d.position for d in item.documents), default=0)
    return _add_document(
        actor,
        filename,
        data,
        result,
        runtime,
        agenda_item=item,
        position=last + 1,
        title=_title_for(title, result, filename),
    )


# Given the old version and the new file read, prepares (off the event loop) what to write along
# with the new version, and returns the function that writes it before the commit.
Carry = Callable[[Document, IngestResult], Callable[[Document], None]]


def replace_document(
    actor: User,
    document_id: int,
    filename: str,
    data: bytes,
    title: str | None,
    runtime: DocumentRuntime,
    carry: Carry | None = None,
) -> Document:
    """A new version takes the old one's place in the agenda; the old one stays readable.

    `carry` brings the old version's annotations along (annotations.versions), in the same commit.
    """
    actor_id = actor.id
    _active_document_for_manager(actor, document_id)
    result = _ingest(runtime, actor_id, data)
    old = _active_document_for_manager(actor, document_id)
    write = carry(old, result) if carry is not None else None
    old.status = DocumentStatus.REPLACED

    def before_commit(document: Document) -> None:
        if write is not None:
            write(document)
        replaced = {"document_id": old.id, "replaced_by": document.id, "version": document.version}
        after_commit(db.session, "document:replaced", replaced, document_room(old.id))

    return _add_document(
        actor,
        filename,
        data,
        result,
        runtime,
        agenda_item=old.agenda_item,
        position=old.position,
        title=_title_for(title, result, filename) if title or result.title else old.title,
        version=old.version + 1,
        replaces_id=old.id,
        before_commit=before_commit,
    )


def _add_document(
    actor: User,
    filename: str,
    data: bytes,
    result: IngestResult,
    runtime: DocumentRuntime,
    before_commit: Callable[[Document], None] | None = None,
    **fields,
) -> Document:
    """Store an ingested file with its pages and paragraphs in the caller's transaction; members
    are told once it commits."""
    stored = result.sanitized or data
    digest = runtime.store.put(stored)
    document = _build_document(
        result,
        digest,
        len(stored),
        original_filename=(filename or "")[:300],
        uploaded_by_id=actor.id,
        **fields,
    )
    db.session.add(document)
    db.session.flush()
    _store_paragraphs(document, result)
    if before_commit is not None:
        before_commit(document)
    notify_members(document.meeting, "meeting:updated")
    replaced = fields.get("replaces_id")
    audit.record(
        actor,
        "document_replaced" if replaced else "document_uploaded",
        meeting_id=document.meeting.id,
        document_id=document.id,
        title=document.title,
        filename=document.original_filename,
        sha256=digest,
        **({"replaces_id": replaced} if replaced else {}),
    )
    db.session.flush()
    document.removed_content = list(result.removed)
    _schedule_prewarm(runtime, document)
    return document


def upload_summary(document: Document) -> dict:
    """The new document as the uploader sees it, told what active content was taken out."""
    summary = document.to_summary()
    removed = getattr(document, "removed_content", [])
    if removed:
        labels = ", ".join(str(REMOVED_LABELS.get(name, name)) for name in removed)
        summary["removed"] = removed
        summary["notice"] = gettext("Đã gỡ bỏ khỏi tệp vì lý do an toàn: %(labels)s.", labels=labels)
    return summary


def withdraw_document(actor: User, document_id: int) -> Document:
    """Members lose it at once: those reading it live are told and taken out of its room."""
    document = _document_for_manager(actor, document_id)
    document.status = DocumentStatus.WITHDRAWN
    notify_members(document.meeting, "meeting:updated")
    audit.record(
        actor,
        "document_withdrawn",
        meeting_id=document.meeting.id,
        document_id=document.id,
        title=document.title,
    )
    close_room_after_commit(
        db.session, document_room(document.id), "document:withdrawn", {"document_id": document.id}
    )
    db.session.flush()
    return document


def _active_document_for_manager(actor: User, document_id: int) -> Document:
    document = _document_for_manager(actor, document_id)
    if not document.is_active:
        raise AppError("document_withdrawn", 409)
    return document


def _document_for_manager(actor: User, document_id: int) -> Document:
    document = db.session.get(Document, document_id)
    if document is None:
        raise AppError("document_not_found", 404)
    require_manager(document.meeting, actor, "document_not_found")
    return document


def get_document(user: User, document_id: int, options: Sequence[ORMOption] = ()) -> Document:
    """Members read active documents and earlier versions (their notes stay on them);
    a withdrawn document is gone for everyone but the secretaries. `options` load more at once."""
    document = db.session.get(Document, document_id, options=options)
    if document is None:
        raise AppError("document_not_found", 404)
    meeting = require_visible(document.meeting, user, "document_not_found")
    if document.status == DocumentStatus.WITHDRAWN and not can_manage(meeting, user):
        raise AppError("document_not_found", 404)
    return document


def active_documents(item) -> list[Document]:
    return [d for d in item.documents if d.is_active]


def document_detail(document: Document) -> dict:
    return {
        **document.to_summary(),
        "agenda_item_id": document.agenda_item_id,
        "meeting_id": document.agenda_item.meeting_id,
        "replaces_id": document.replaces_id,
        "pages": [page.to_dict() for page in document.pages],
    }


def paragraphs(
    user: User, document_id: int, page: int | None = None, ids: Sequence[int] | None = None
) -> list[Paragraph]:
    """All of a document's paragraphs, or only those on one page (a paragraph running over a page
    break is on both) or with the given ids: the reader fetches them as it needs them."""
    document = get_document(user, document_id)
    query = select(Paragraph).where(Paragraph.document_id == document.id).order_by(Paragraph.number)
    if ids is not None:
        query = query.where(Paragraph.id.in_(ids))
    if page is None:
        return list(db.session.scalars(query))
    # A paragraph is filed under its first page; one starting a little earlier may run onto this one.
    query = query.where(Paragraph.page.between(page - PARAGRAPH_MAX_SPAN_PAGES, page))
    return [p for p in db.session.scalars(query) if page in p.pages]


READING_MAX_PAGES = 10  # one request of reading mode: a screenful or two of pages on a phone


def reading_text(user: User, document_id: int, first: int, last: int) -> dict:
    """Reading mode's pages `first`..`last`: each page's paragraphs with their words, in reading
    order (a paragraph running over a page break is listed on its first page), and whether the
    page has text at all; a page without (a scan, a figure) is shown as its image."""
    document = get_document(user, document_id)
    if not 1 <= first <= last <= document.page_count or last - first >= READING_MAX_PAGES:
        raise AppError("validation_error", detail="from, to")
    found = db.session.scalars(
        select(Paragraph)
        .where(
            Paragraph.document_id == document.id,
            Paragraph.page.between(first - PARAGRAPH_MAX_SPAN_PAGES, last),
        )
        .order_by(Paragraph.number)
    )
    pages = {
        page.number: {"number": page.number, "scanned": page.is_scanned, "has_text": False, "paragraphs": []}
        for page in db.session.scalars(
            select(DocumentPage).where(
                DocumentPage.document_id == document.id, DocumentPage.number.between(first, last)
            )
        )
    }
    for paragraph in found:
        for number in paragraph.pages & pages.keys():
            pages[number]["has_text"] = True
        if paragraph.page in pages:
            pages[paragraph.page]["paragraphs"].append(paragraph.to_dict())
    return {"pages": [pages[n] for n in sorted(pages)]}


def original_file(user: User, document_id: int, runtime: DocumentRuntime) -> tuple[Path, str]:
    """The PDF as uploaded, for members: what exports point at (`target.source` in JSON-LD).
    A path to this node's copy, so it is streamed from disk rather than held in memory."""
    document = get_document(user, document_id)
    filename = document.original_filename or f"tai-lieu-{document.id}.pdf"
    return runtime.store.local_path(document.sha256), filename


def changes(user: User, document_id: int) -> dict:
    """What changed from the version this one replaced: each paragraph's change (with a word diff
    when edited) and the paragraphs removed. Empty lists for a first version, and for one whose
    previous version was withdrawn: withdrawn text is shown to no one through a later version."""
    document = get_document(user, document_id)
    previous = db.session.get(Document, document.replaces_id) if document.replaces_id else None
    if previous is None or previous.status == DocumentStatus.WITHDRAWN:
        return {"previous_id": None, "paragraphs": [], "removed": []}
    current = paragraphs(user, document_id)
    earlier = {
        p.id: p
        for p in db.session.scalars(
            select(Paragraph).where(Paragraph.document_id == document.replaces_id).order_by(Paragraph.number)
        )
    }
    listed = []
    for paragraph in current:
        sources = [earlier[pid] for pid in paragraph.previous_ids or [] if pid in earlier]
        entry = {"id": paragraph.id, "change": paragraph.change, "previous_ids": [p.id for p in sources]}
        if paragraph.change == "edited":
            entry["diff"] = word_diff(" ".join(p.text for p in sources), paragraph.text)
        listed.append(entry)
    kept = {pid for paragraph in current for pid in paragraph.previous_ids or []}
    removed = [
        {key: p.to_dict()[key] for key in ("id", "number", "page", "text", "label", "citation")}
        for p in earlier.values()
        if p.id not in kept
    ]
    return {"previous_id": document.replaces_id, "paragraphs": listed, "removed": removed}


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
    return {**page.to_dict(), "words": page.words}


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
