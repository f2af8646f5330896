"""Document operations: ingest once on upload, then serve pages, text and paragraphs to members."""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from sqlalchemy import insert, select
from sqlalchemy.orm.interfaces import ORMOption

from accounts.models import User
from core.broadcast import after_commit, document_room
from core.errors import AppError
from core.extensions import db
from documents.models import Document, DocumentPage, DocumentStatus, Paragraph
from meetings.permissions import can_manage, require_manager, require_visible
from meetings.service import get_agenda_item_for_manager, notify_members
from storage.blobstore import BlobStore
from storage.page_cache import PageCache, snap_width
from storage.pdf.ingest import IngestResult, PdfLimits, PdfRejected
from storage.pdf.render import FORMATS as IMAGE_FORMATS
from storage.pdf.render import RenderedPage
from storage.reanchor import word_diff
from storage.workers import PdfWorkerPool

log = logging.getLogger(__name__)
# Widths the reader asks for most: a tablet at DPR 2 and a phone at DPR 3, after snapping.
PREWARM_RASTER_WIDTHS = (2048, 1280)
REJECTION_STATUS = {"file_too_large": 413, "not_a_pdf": 415}


@dataclass
class DocumentRuntime:
    """The collaborators document operations need, built once by the app factory."""

    store: BlobStore
    pool: PdfWorkerPool
    cache: PageCache
    limits: PdfLimits
    # Runs a function in the background (Socket.IO's task starter); None skips pre-rendering.
    schedule: Callable[..., object] | None = None


def _schedule_prewarm(runtime: DocumentRuntime, document: Document) -> None:
    if runtime.schedule is not None:
        pages = [(page.number, page.is_scanned) for page in document.pages]
        runtime.schedule(prewarm_pages, runtime, document.sha256, pages)


def _ingest(runtime: DocumentRuntime, data: bytes) -> IngestResult:
    """Validate and extract in a worker process, so a hostile file cannot stall the server."""
    try:
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
    item = get_agenda_item_for_manager(actor, item_id)
    result = _ingest(runtime, data)
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
    old = _document_for_manager(actor, document_id)
    if not old.is_active:
        raise AppError("document_withdrawn", 409)
    result = _ingest(runtime, data)
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
    """Store an ingested file with its pages and paragraphs in one commit, then tell the members."""
    digest = runtime.store.put(data)
    document = _build_document(
        result, digest, len(data), original_filename=(filename or "")[:300], uploaded_by_id=actor.id, **fields
    )
    db.session.add(document)
    db.session.flush()
    _store_paragraphs(document, result)
    if before_commit is not None:
        before_commit(document)
    notify_members(document.meeting, "meeting:updated")
    db.session.commit()
    _schedule_prewarm(runtime, document)
    return document


def withdraw_document(actor: User, document_id: int) -> Document:
    document = _document_for_manager(actor, document_id)
    document.status = DocumentStatus.WITHDRAWN
    notify_members(document.meeting, "meeting:updated")
    db.session.commit()
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


def paragraphs(user: User, document_id: int) -> list[Paragraph]:
    document = get_document(user, document_id)
    return list(
        db.session.scalars(
            select(Paragraph).where(Paragraph.document_id == document.id).order_by(Paragraph.number)
        )
    )


def original_file(user: User, document_id: int, runtime: DocumentRuntime) -> tuple[bytes, str]:
    """The PDF as uploaded, for members: what exports point at (`target.source` in JSON-LD)."""
    document = get_document(user, document_id)
    filename = document.original_filename or f"tai-lieu-{document.id}.pdf"
    return runtime.store.get(document.sha256), filename


def changes(user: User, document_id: int) -> dict:
    """What changed from the version this one replaced: each paragraph's change (with a word diff
    when edited) and the paragraphs removed. Empty lists for a first version."""
    document = get_document(user, document_id)
    current = paragraphs(user, document_id)
    if document.replaces_id is None:
        return {"previous_id": None, "paragraphs": [], "removed": []}
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
    if not 1 <= number <= document.page_count:
        raise AppError("page_not_found", 404, page=number)
    return document.pages[number - 1]


def page_words(user: User, document_id: int, number: int) -> dict:
    page = _page(get_document(user, document_id), number)
    return {**page.to_dict(), "words": page.words}


def page_image(
    user: User, document_id: int, number: int, width: int, fmt: str, runtime: DocumentRuntime
) -> RenderedPage:
    """Serve from the disk cache; render in a worker with a time bound on a miss."""
    document = get_document(user, document_id)
    page = _page(document, number)
    if fmt not in IMAGE_FORMATS:
        raise AppError("validation_error", detail="format")
    return render_cached(runtime, document.sha256, number, width, _resolve_format(fmt, page))


def _resolve_format(fmt: str, page: DocumentPage) -> str:
    """Text pages go as SVG (one cache entry at every zoom); scanned ones let the renderer pick."""
    return "svg" if fmt == "auto" and not page.is_scanned else fmt


def prewarm_pages(runtime: DocumentRuntime, digest: str, pages: list[tuple[int, bool]]) -> None:
    """Render a new document's pages once, so delegates' first look comes from the cache."""
    for number, scanned in pages:
        widths = PREWARM_RASTER_WIDTHS if scanned else PREWARM_RASTER_WIDTHS[:1]
        for width in widths:
            try:
                render_cached(runtime, digest, number, width, "auto" if scanned else "svg")
            except AppError as error:
                log.warning("Pre-rendering page %s of %s failed: %s", number, digest[:12], error.code)
                break


def render_cached(runtime: DocumentRuntime, digest: str, number: int, width: int, fmt: str) -> RenderedPage:
    width = snap_width(width)
    key = (digest, number, fmt, width)
    cached = runtime.cache.get(key)
    if cached is not None:
        return cached
    try:
        rendered = runtime.pool.render(str(runtime.store.local_path(digest)), number, width, fmt)
    except PdfRejected as failure:
        raise AppError(failure.code, 503) from None
    runtime.cache.put(key, rendered)
    return rendered
