"""Annotations: create, edit, delete and hide; every change takes the document's next seq.

Each change commits the annotation, its new seq and the ack of its `op_id` in one transaction, and
only then is it broadcast; a resent `op_id` gets the stored ack back and changes nothing. Reading
them back (catch-up, the digest's and exports' rows) is annotations.queries.

A process killed between its commit and its broadcast leaves a change stored that no one heard;
the author's outbox resends it to another process, which finds the ack another process stored and
announces the change again (clients merge by id and seq, so hearing it twice is harmless).
"""

import secrets
from collections.abc import Iterable
from datetime import timedelta
from functools import wraps

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from accounts.models import User
from annotations import permissions
from annotations.models import Annotation, DocumentSequence, Kind, ProcessedOperation, Visibility
from annotations.presenters import annotation_payload, tombstone
from annotations.queries import latest_seq, visible_document
from annotations.schemas import (
    AnnotationChanges,
    AnnotationRef,
    Moderation,
    NewAnnotation,
    check_target,
)
from audit import service as audit
from core.broadcast import after_commit
from core.clock import utcnow
from core.errors import AppError
from core.extensions import db
from documents.models import Document, DocumentPage, DocumentStatus, Paragraph

# Half a point of slack: clients round coordinates they derived from CSS pixels.
EDGE_TOLERANCE_PT = 0.5
# Which process stored an ack (a restarted process is another one): gunicorn imports the app in
# each worker, after the fork.
THIS_PROCESS = secrets.token_hex(8)
EVENTS = {"create": "annotation:created", "update": "annotation:updated", "hide": "annotation:updated"}


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


def reserve_seqs(document_id: int, count: int) -> int:
    """The first of `count` consecutive seqs, for writing many annotations in one transaction."""
    first = _next_seq(document_id)
    if count > 1:
        table = DocumentSequence.__table__
        db.session.execute(
            update(table)
            .where(table.c.document_id == document_id)
            .values(last_seq=table.c.last_seq + count - 1)
        )
    return first


def _operation(data) -> str:
    """What an op_id stands for; the same op_id sent for anything else is refused, not acked."""
    if isinstance(data, NewAnnotation):
        return f"create:{data.document_id}"
    if isinstance(data, Moderation):
        return f"hide:{data.id}"
    if isinstance(data, AnnotationChanges):
        return f"update:{data.id}"
    return f"delete:{data.id}"


def _stored_ack(user: User, data) -> dict | None:
    """The first ack of `data.op_id`, if it was for this same operation; None if never seen. Stored
    by another process, the change is broadcast again (see the module's docstring)."""
    stored = db.session.scalar(
        select(ProcessedOperation.ack).where(
            ProcessedOperation.user_id == user.id, ProcessedOperation.op_id == data.op_id
        )
    )
    if stored is None:
        return None
    ack = dict(stored)
    operation = ack.pop("op", None)
    if operation is not None and operation != _operation(data):
        raise AppError("op_id_reused", 409)
    if ack.pop("by", None) != THIS_PROCESS and ack.get("ok"):
        _announce_again(ack["id"], (operation or _operation(data)).split(":")[0])
        # Once is enough: the same op_id sent here again is not announced again.
        db.session.execute(
            update(ProcessedOperation)
            .where(ProcessedOperation.user_id == user.id, ProcessedOperation.op_id == data.op_id)
            .values(ack={**stored, "by": THIS_PROCESS})
        )
    return ack


def _announce_again(annotation_id: int, operation: str) -> None:
    """The process that stored this change may have died before broadcasting it: broadcast its
    current state (after a later edit or deletion too) with the boundary's commit."""
    annotation = db.session.get(Annotation, annotation_id)
    if annotation is None:
        return
    event_name = (
        "annotation:deleted" if annotation.is_deleted else EVENTS.get(operation, "annotation:updated")
    )
    _broadcast(annotation, event_name, db.session.get(Document, annotation.document_id))


def prune_processed_operations(older_than: timedelta) -> int:
    """Acks only need to outlive a client's outbox, which a connected tablet empties in seconds."""
    cutoff = utcnow() - older_than
    pruned = db.session.execute(delete(ProcessedOperation).where(ProcessedOperation.created_at < cutoff))
    return pruned.rowcount


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
            stored = _stored_ack(user, data)
            if stored is None:
                raise
            return stored

    return once


def _broadcast(
    annotation: Annotation, event_name: str, document: Document, guest: bool | None = None
) -> None:
    """To the rooms annotations.permissions names; a deletion goes as a tombstone, never redacted.
    `guest`: whether the author is a guest of the meeting, if the caller knows already."""
    if guest is None:
        guest = permissions.is_guest(annotation.author, document.meeting)
    for room, redact in permissions.recipients(annotation, document.meeting):
        if annotation.is_deleted:
            payload = tombstone(annotation)
        else:
            payload = annotation_payload(annotation, redact=redact, guest=guest)
        after_commit(db.session, event_name, payload, room)


def _commit(
    user: User, data, annotation: Annotation, event_name: str, document: Document, guest: bool | None = None
) -> dict:
    """Store the change with its ack, then broadcast; a resend of `op_id` gets the first ack instead.
    `guest`: whether the author is a guest of the meeting, asked by the caller while the standing
    read with the document was still kept (a write forgets it); None: asked here."""
    if guest is None:
        guest = permissions.is_guest(annotation.author, document.meeting)
    db.session.flush()
    _broadcast(annotation, event_name, document, guest)  # before the ack row: building payloads may autoflush
    ack = {"ok": True, "id": annotation.id, "seq": annotation.seq}
    stored = {**ack, "op": _operation(data), "by": THIS_PROCESS}
    try:
        db.session.execute(
            insert(ProcessedOperation.__table__).values(user_id=user.id, op_id=data.op_id, ack=stored)
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        first = _stored_ack(user, data)
        if first is None:
            raise
        return first
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


def _require_current(document: Document) -> None:
    """Called once the document's seq row is taken (the first write): a replace commits with
    that row taken too, so from here the status read is the last word. Until the switch a
    write to the old version is carried onto the new one (annotations.versions); after it, it
    is refused with the new version named, so nothing is written where no one will read it."""
    status = db.session.scalar(select(Document.status).where(Document.id == document.id))
    if status != DocumentStatus.REPLACED:
        return
    newer = db.session.execute(
        select(Document.id, Document.version).where(Document.replaces_id == document.id)
    ).first()
    if newer is not None:
        raise AppError("document_replaced", 409, replaced_by=newer.id, version=newer.version)


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
    """Unknown, other meetings', other documents' and others' private annotations all look the
    same: annotation_not_found, so an id tells nothing about what exists elsewhere."""
    annotation = db.session.get(Annotation, annotation_id)
    if annotation is None or (document_id is not None and annotation.document_id != document_id):
        raise AppError("annotation_not_found", 404)
    try:
        document = visible_document(user, annotation.document_id)
    except AppError as refused:
        raise AppError("annotation_not_found", 404) from refused
    return permissions.require_readable(user, annotation), document


def _own_annotation(user: User, annotation_id: int, document_id: int | None) -> tuple[Annotation, Document]:
    annotation, document = _visible_annotation(user, annotation_id, document_id)
    return permissions.require_editable(user, annotation), document


def _reply_parent(user: User, document: Document, data: NewAnnotation) -> Annotation:
    parent, _ = _visible_annotation(user, data.reply_to, document.id)
    if parent.is_deleted or parent.kind != Kind.COMMENT:
        raise AppError("reply_target_invalid", 422)
    if not permissions.reply_visibility_allowed(parent, data.visibility):
        raise AppError("reply_target_invalid", 422)
    requested = data.target.get("paragraph_id")
    if requested is not None and requested != parent.paragraph_id:
        raise AppError("reply_target_invalid", 422)
    return parent


def join_document(user: User, document_id: int) -> int:
    """Members may follow a document live; the seq tells them where their catch-up starts."""
    return latest_seq(visible_document(user, document_id).id)


@_idempotent
def create_annotation(user: User, data: NewAnnotation) -> dict:
    document = visible_document(user, data.document_id)
    guest = permissions.is_guest(user, document.meeting)  # the standing just read: no query
    target, parent = data.target, None
    if data.reply_to is not None:
        parent = _reply_parent(user, document, data)
        target = {**target, "paragraph_id": parent.paragraph_id}
    permissions.require_may_share(guest, data.visibility, parent)
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
    _require_current(document)
    db.session.add(annotation)
    return _commit(user, data, annotation, "annotation:created", document, guest)


@_idempotent
def update_annotation(user: User, data: AnnotationChanges) -> dict:
    """Authors edit their own text, shape or colour, and may share a private one (never un-share)."""
    annotation, document = _own_annotation(user, data.id, data.document_id)
    if annotation.is_deleted:
        raise AppError("annotation_not_found", 404)
    guest = permissions.is_guest(user, document.meeting)  # the standing just read: no query
    target = annotation.target
    if data.target is not None:
        target = check_target(annotation.kind, data.target)
        if annotation.kind == Kind.COMMENT:
            target["paragraph_id"] = target.get("paragraph_id") or annotation.paragraph_id
            if target["paragraph_id"] != annotation.paragraph_id:
                raise AppError(
                    "validation_error", detail="target.paragraph_id: a comment stays on its paragraph"
                )
        _, page = _placement(document, annotation.kind, target)
        if annotation.kind != Kind.COMMENT:
            annotation.page = page  # a note or stroke moved to another page is found on that page
    body = annotation.body if data.body is None else data.body
    if annotation.kind == Kind.COMMENT and not body.strip():
        raise AppError("validation_error", detail="body: a comment needs text")
    if data.visibility == Visibility.PRIVATE and annotation.visibility == Visibility.SHARED:
        raise AppError("annotation_already_shared", 409)
    parent = None
    if data.visibility is not None and annotation.reply_to_id is not None:
        parent = db.session.get(Annotation, annotation.reply_to_id)
        if not permissions.reply_visibility_allowed(parent, data.visibility):
            raise AppError("reply_stays_private", 409)
    if data.visibility != annotation.visibility:
        permissions.require_may_share(guest, data.visibility, parent)
    annotation.seq = _next_seq(document.id)
    _require_current(document)
    annotation.target = target
    annotation.body = body
    annotation.visibility = data.visibility or annotation.visibility
    annotation.updated_at = utcnow()
    return _commit(user, data, annotation, "annotation:updated", document, guest)


@_idempotent
def delete_annotation(user: User, data: AnnotationRef) -> dict:
    """Deleting leaves a tombstone with a new seq, so reconnecting clients learn of it too."""
    annotation, document = _own_annotation(user, data.id, data.document_id)
    if annotation.is_deleted:
        return _stored_ack(user, data) or {"ok": True, "id": annotation.id, "seq": annotation.seq}
    annotation.seq = _next_seq(document.id)
    _require_current(document)
    annotation.deleted_at = annotation.updated_at = utcnow()
    return _commit(user, data, annotation, "annotation:deleted", document, guest=False)  # a tombstone


@_idempotent
def set_hidden(user: User, data: Moderation) -> dict:
    """The chair (or secretary) hides a shared comment from others; its author still sees it."""
    annotation, document = _visible_annotation(user, data.id, data.document_id)
    permissions.require_moderator(user, document.meeting)
    if annotation.is_deleted:
        raise AppError("annotation_not_found", 404)
    if annotation.kind != Kind.COMMENT or annotation.visibility != Visibility.SHARED:
        raise AppError("only_comments_hidden", 422)
    if annotation.is_hidden == data.hidden:
        return _stored_ack(user, data) or {"ok": True, "id": annotation.id, "seq": annotation.seq}
    annotation.seq = _next_seq(document.id)
    annotation.hidden_at = utcnow() if data.hidden else None
    annotation.hidden_by_id = user.id if data.hidden else None
    annotation.updated_at = utcnow()
    audit.record(
        user,
        "comment_hidden" if data.hidden else "comment_shown",
        meeting_id=document.meeting.id,
        document_id=document.id,
        annotation_id=annotation.id,
    )
    return _commit(user, data, annotation, "annotation:updated", document)
