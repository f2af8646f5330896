"""Annotations: create, edit, delete, hide and catch up; every change takes the document's next seq.

Each change commits the annotation, its new seq and the ack of its `op_id` in one transaction, and
only then is it broadcast; a resent `op_id` gets the stored ack back and changes nothing.

Readers for the digest and exports: `shared_annotations(document_ids)`,
`shared_annotations_of_meeting(meeting_id)` and `annotation_payload(annotation)`.
"""

from collections.abc import Iterable
from functools import wraps

from sqlalchemy import insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from accounts.models import User
from annotations.models import Annotation, DocumentSequence, Kind, ProcessedOperation, Visibility
from annotations.schemas import (
    AnnotationChanges,
    AnnotationRef,
    Moderation,
    NewAnnotation,
    check_target,
)
from core.broadcast import after_commit, document_room, user_room
from core.clock import utcnow
from core.errors import AppError
from core.extensions import db
from documents.models import Document, DocumentPage, Paragraph
from documents.service import get_document
from meetings.models import AgendaItem, Meeting, Role
from meetings.permissions import can_export

# Half a point of slack: clients round coordinates they derived from CSS pixels.
EDGE_TOLERANCE_PT = 0.5


def annotation_payload(annotation: Annotation, *, redact: bool = False) -> dict:
    """The annotation as clients and exports see it; `redact` blanks a hidden comment's text."""
    redacted = redact and annotation.is_hidden
    return {
        "id": annotation.id,
        "document_id": annotation.document_id,
        "author": {"id": annotation.author_id, "name": annotation.author.display_name},
        "kind": annotation.kind,
        "target": annotation.target,
        "body": "" if redacted else annotation.body,
        "visibility": annotation.visibility,
        "reply_to": annotation.reply_to_id,
        "paragraph_id": annotation.paragraph_id,
        "page": annotation.page,
        "seq": annotation.seq,
        "created_at": annotation.created_at.isoformat() + "Z",
        "updated_at": annotation.updated_at.isoformat() + "Z",
        "hidden": annotation.is_hidden,
        "redacted": redacted,
    }


def _tombstone(annotation: Annotation) -> dict:
    return {
        "id": annotation.id,
        "document_id": annotation.document_id,
        "seq": annotation.seq,
        "deleted": True,
    }


def latest_seq(document_id: int) -> int:
    return (
        db.session.scalar(
            select(DocumentSequence.last_seq).where(DocumentSequence.document_id == document_id)
        )
        or 0
    )


def _next_seq(document_id: int) -> int:
    """The first write of the transaction, so SQLite serialises concurrent writers right here."""
    table = DocumentSequence.__table__
    bump = (
        update(table)
        .where(table.c.document_id == document_id)
        .values(last_seq=table.c.last_seq + 1)
        .returning(table.c.last_seq)
    )
    seq = db.session.execute(bump).scalar()
    if seq is not None:
        return seq
    try:
        with db.session.begin_nested():
            db.session.add(DocumentSequence(document_id=document_id, last_seq=1))
    except IntegrityError:  # another writer created the row first (not on SQLite, which serialises)
        return db.session.execute(bump).scalar()
    return 1


def _stored_ack(user: User, op_id: str) -> dict | None:
    return db.session.scalar(
        select(ProcessedOperation.ack).where(
            ProcessedOperation.user_id == user.id, ProcessedOperation.op_id == op_id
        )
    )


def _idempotent(operation):
    """A resent op_id gets its first ack back. The happy path pays nothing for this: a resend that
    would succeed again trips the unique (user, op_id) at commit (see `_commit`), one that would now
    be refused finds its ack here."""

    @wraps(operation)
    def once(user: User, data):
        try:
            return operation(user, data)
        except AppError:
            db.session.rollback()
            stored = _stored_ack(user, data.op_id)
            if stored is None:
                raise
            return stored

    return once


def _document(user: User, document_id: int) -> Document:
    """`get_document`, with the agenda item and meeting it checks fetched in one query, not three."""
    prefetched = db.session.get(  # held here: the session only keeps weak references
        Document, document_id, options=[joinedload(Document.agenda_item).joinedload(AgendaItem.meeting)]
    )
    document = get_document(user, document_id)
    assert document is prefetched
    return document


def _moderators(document: Document) -> set[int]:
    meeting = document.meeting
    return {m.user_id for m in meeting.memberships if m.role in (Role.CHAIR, Role.SECRETARY)}


def _broadcast(annotation: Annotation, event_name: str, document: Document) -> None:
    """Shared changes go to the document's room; private ones and unredacted hidden text to people."""
    if annotation.is_deleted:
        payload = _tombstone(annotation)
        room = document_room(document.id) if annotation.visibility == Visibility.SHARED else None
        after_commit(db.session, event_name, payload, room or user_room(annotation.author_id))
        return
    if annotation.visibility == Visibility.PRIVATE:
        after_commit(db.session, event_name, annotation_payload(annotation), user_room(annotation.author_id))
        return
    after_commit(
        db.session, event_name, annotation_payload(annotation, redact=True), document_room(document.id)
    )
    if annotation.is_hidden:
        for user_id in sorted(_moderators(document) | {annotation.author_id}):
            after_commit(db.session, event_name, annotation_payload(annotation), user_room(user_id))


def _commit(user: User, op_id: str, annotation: Annotation, event_name: str, document: Document) -> dict:
    """Store the change with its ack, then broadcast; a resend of `op_id` gets the first ack instead."""
    db.session.flush()
    _broadcast(annotation, event_name, document)  # before the ack row: building payloads may autoflush
    ack = {"ok": True, "id": annotation.id, "seq": annotation.seq}
    try:
        db.session.execute(insert(ProcessedOperation.__table__).values(user_id=user.id, op_id=op_id, ack=ack))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        stored = _stored_ack(user, op_id)
        if stored is None:
            raise
        return stored
    return ack


def _page_size(document: Document, number: int) -> tuple[float, float]:
    size = db.session.execute(
        select(DocumentPage.width, DocumentPage.height).where(
            DocumentPage.document_id == document.id, DocumentPage.number == number
        )
    ).first()
    if size is None:
        raise AppError("page_not_found", 404, page=number)
    return size


def _inside(page: int, size: tuple[float, float], points: Iterable[tuple[float, float]]) -> None:
    width, height = size
    for x, y in points:
        if not (
            -EDGE_TOLERANCE_PT <= x <= width + EDGE_TOLERANCE_PT
            and -EDGE_TOLERANCE_PT <= y <= height + EDGE_TOLERANCE_PT
        ):
            raise AppError("outside_page", 422, page=page)


def _paragraph(document: Document, paragraph_id: int) -> Paragraph:
    paragraph = db.session.get(Paragraph, paragraph_id)
    if paragraph is None or paragraph.document_id != document.id:
        raise AppError("paragraph_not_found", 404)
    return paragraph


def _placement(document: Document, kind: str, target: dict) -> tuple[int | None, int | None]:
    """Check the target against the document; return its (paragraph_id, page) for indexing."""
    if kind == Kind.COMMENT:
        if target.get("paragraph_id") is None:
            return None, None
        paragraph = _paragraph(document, target["paragraph_id"])
        return paragraph.id, paragraph.page
    page = target["page"]
    size = _page_size(document, page)
    if kind == Kind.HIGHLIGHT:
        _inside(page, size, (corner for x0, y0, x1, y1 in target["quads"] for corner in ((x0, y0), (x1, y1))))
    elif kind == Kind.INK:
        _inside(page, size, (point for path in target["paths"] for point in path))
    else:
        _inside(page, size, [target["point"]])
    return None, page


def _visible_annotation(
    user: User, annotation_id: int, document_id: int | None
) -> tuple[Annotation, Document]:
    """Unknown, invisible and other-document annotations all look the same: not found."""
    annotation = db.session.get(Annotation, annotation_id)
    if annotation is None or (document_id is not None and annotation.document_id != document_id):
        raise AppError("annotation_not_found", 404)
    document = _document(user, annotation.document_id)
    if annotation.visibility == Visibility.PRIVATE and annotation.author_id != user.id:
        raise AppError("annotation_not_found", 404)
    return annotation, document


def _own_annotation(user: User, annotation_id: int, document_id: int | None) -> tuple[Annotation, Document]:
    annotation, document = _visible_annotation(user, annotation_id, document_id)
    if annotation.author_id != user.id:
        raise AppError("not_your_annotation", 403)
    return annotation, document


def _reply_parent(user: User, document: Document, data: NewAnnotation) -> Annotation:
    parent, _ = _visible_annotation(user, data.reply_to, document.id)
    if parent.is_deleted or parent.kind != Kind.COMMENT:
        raise AppError("reply_target_invalid", 422)
    if parent.visibility == Visibility.PRIVATE and data.visibility == Visibility.SHARED:
        raise AppError("reply_target_invalid", 422)
    requested = data.target.get("paragraph_id")
    if requested is not None and requested != parent.paragraph_id:
        raise AppError("reply_target_invalid", 422)
    return parent


def join_document(user: User, document_id: int) -> int:
    """Members may follow a document live; the seq tells them where their catch-up starts."""
    return latest_seq(_document(user, document_id).id)


@_idempotent
def create_annotation(user: User, data: NewAnnotation) -> dict:
    document = _document(user, data.document_id)
    target, parent = data.target, None
    if data.reply_to is not None:
        parent = _reply_parent(user, document, data)
        target = {**target, "paragraph_id": parent.paragraph_id}
    paragraph_id, page = _placement(document, data.kind, target)
    now = utcnow()
    annotation = Annotation(
        document_id=document.id,
        author_id=user.id,
        author=user,
        kind=data.kind,
        visibility=data.visibility,
        target=target,
        body=data.body,
        paragraph_id=paragraph_id,
        page=page,
        # Threads are one level deep: a reply to a reply joins its thread, as in chat apps.
        reply_to_id=(parent.reply_to_id or parent.id) if data.reply_to is not None else None,
        seq=_next_seq(document.id),
        created_at=now,
        updated_at=now,
    )
    db.session.add(annotation)
    return _commit(user, data.op_id, annotation, "annotation:created", document)


@_idempotent
def update_annotation(user: User, data: AnnotationChanges) -> dict:
    """Authors edit their own text, shape or colour, and may share a private one (never un-share)."""
    annotation, document = _own_annotation(user, data.id, data.document_id)
    if annotation.is_deleted:
        raise AppError("annotation_not_found", 404)
    target = annotation.target
    if data.target is not None:
        target = check_target(annotation.kind, data.target)
        if annotation.kind == Kind.COMMENT:
            target["paragraph_id"] = target.get("paragraph_id") or annotation.paragraph_id
            if target["paragraph_id"] != annotation.paragraph_id:
                raise AppError(
                    "validation_error", detail="target.paragraph_id: a comment stays on its paragraph"
                )
        _placement(document, annotation.kind, target)
    body = annotation.body if data.body is None else data.body
    if annotation.kind == Kind.COMMENT and not body.strip():
        raise AppError("validation_error", detail="body: a comment needs text")
    if data.visibility == Visibility.PRIVATE and annotation.visibility == Visibility.SHARED:
        raise AppError("annotation_already_shared", 409)
    annotation.seq = _next_seq(document.id)
    annotation.target = target
    annotation.body = body
    annotation.visibility = data.visibility or annotation.visibility
    annotation.updated_at = utcnow()
    return _commit(user, data.op_id, annotation, "annotation:updated", document)


@_idempotent
def delete_annotation(user: User, data: AnnotationRef) -> dict:
    """Deleting leaves a tombstone with a new seq, so reconnecting clients learn of it too."""
    annotation, document = _own_annotation(user, data.id, data.document_id)
    if annotation.is_deleted:
        return _stored_ack(user, data.op_id) or {"ok": True, "id": annotation.id, "seq": annotation.seq}
    annotation.seq = _next_seq(document.id)
    annotation.deleted_at = annotation.updated_at = utcnow()
    return _commit(user, data.op_id, annotation, "annotation:deleted", document)


@_idempotent
def set_hidden(user: User, data: Moderation) -> dict:
    """The chair (or secretary) hides a shared comment from others; its author still sees it."""
    annotation, document = _visible_annotation(user, data.id, data.document_id)
    if not can_export(document.meeting, user):
        raise AppError("forbidden", 403)
    if annotation.is_deleted:
        raise AppError("annotation_not_found", 404)
    if annotation.kind != Kind.COMMENT or annotation.visibility != Visibility.SHARED:
        raise AppError("only_comments_hidden", 422)
    if annotation.is_hidden == data.hidden:
        return _stored_ack(user, data.op_id) or {"ok": True, "id": annotation.id, "seq": annotation.seq}
    annotation.seq = _next_seq(document.id)
    annotation.hidden_at = utcnow() if data.hidden else None
    annotation.hidden_by_id = user.id if data.hidden else None
    annotation.updated_at = utcnow()
    return _commit(user, data.op_id, annotation, "annotation:updated", document)


def changes_since(user: User, document_id: int, since: int) -> dict:
    """What the caller may see that changed after `since`; the seq is read first so nothing slips by."""
    document = _document(user, document_id)
    seq = latest_seq(document.id)
    query = (
        select(Annotation)
        .options(selectinload(Annotation.author))
        .where(
            Annotation.document_id == document.id,
            Annotation.seq > since,
            or_(Annotation.visibility == Visibility.SHARED, Annotation.author_id == user.id),
        )
        .order_by(Annotation.seq)
    )
    if since == 0:
        query = query.where(Annotation.deleted_at.is_(None))
    moderator = can_export(document.meeting, user)
    return {
        "seq": seq,
        "annotations": [
            _tombstone(a)
            if a.is_deleted
            else annotation_payload(a, redact=not moderator and a.author_id != user.id)
            for a in db.session.scalars(query)
        ],
    }


def shared_annotations(
    document_ids: Iterable[int], *, kinds: Iterable[str] | None = None, include_hidden: bool = False
) -> list[Annotation]:
    """Everything members shared on these documents, for the digest and exports (no permission check).

    Deleted ones are left out, hidden comments too unless `include_hidden`; ordered by document,
    then paragraph number (document-wide comments first), then time, so replies follow their parent.
    """
    query = (
        select(Annotation)
        .options(selectinload(Annotation.author))
        .outerjoin(Paragraph, Paragraph.id == Annotation.paragraph_id)
        .where(
            Annotation.document_id.in_(list(document_ids)),
            Annotation.visibility == Visibility.SHARED,
            Annotation.deleted_at.is_(None),
        )
        .order_by(
            Annotation.document_id, Paragraph.number.nulls_first(), Annotation.created_at, Annotation.id
        )
    )
    if kinds is not None:
        query = query.where(Annotation.kind.in_(list(kinds)))
    if not include_hidden:
        query = query.where(Annotation.hidden_at.is_(None))
    return list(db.session.scalars(query))


def shared_annotations_of_meeting(meeting_id: int, **options) -> list[Annotation]:
    """`shared_annotations` for every document of the meeting, earlier versions included."""
    document_ids = db.session.scalars(
        select(Document.id)
        .join(AgendaItem, AgendaItem.id == Document.agenda_item_id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(Meeting.id == meeting_id)
    )
    return shared_annotations(list(document_ids), **options)
