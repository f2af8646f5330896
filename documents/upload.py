"""Uploading: a file is ingested once in a worker, and stored with its pages and paragraphs only
if the whole of it is usable; a new version takes the old one's place; a withdrawn one is gone."""

from collections.abc import Callable
from pathlib import PurePosixPath

from sqlalchemy import insert

from accounts.models import User
from audit import service as audit
from core.broadcast import after_commit, close_room_after_commit, document_room, run_after_commit
from core.errors import AppError
from core.extensions import db
from core.transactions import release_connection
from documents.models import Document, DocumentPage, DocumentStatus, Paragraph
from documents.pages import prewarm_pages
from documents.runtime import DocumentRuntime
from meetings.permissions import require_manager
from meetings.service import get_agenda_item_for_manager, notify_members
from storage.pdf.shared import IngestResult, PdfRejected

REJECTION_STATUS = {"file_too_large": 413, "not_a_pdf": 415, "server_busy": 503}


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
