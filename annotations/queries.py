"""Annotations read back: the payload clients see, catch-up after a reconnect, and the shared
annotations the digest and exports are made from.

The writing side (create, edit, delete, hide) is annotations.service.
"""

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from accounts.models import User
from annotations import permissions
from annotations.models import Annotation, DocumentSequence
from annotations.presenters import annotation_payload, tombstone
from core.extensions import db
from documents.models import Document, Paragraph
from documents.service import get_document
from meetings.models import AgendaItem, Meeting


def latest_seq(document_id: int) -> int:
    return (
        db.session.scalar(
            select(DocumentSequence.last_seq).where(DocumentSequence.document_id == document_id)
        )
        or 0
    )


def visible_document(user: User, document_id: int) -> Document:
    """`get_document`, with the agenda item and meeting it checks fetched in one query, not three."""
    return get_document(
        user, document_id, options=[joinedload(Document.agenda_item).joinedload(AgendaItem.meeting)]
    )


def changes_since(user: User, document_id: int, since: int) -> dict:
    """What the caller may see that changed after `since`; the seq is read first so nothing slips by."""
    document = visible_document(user, document_id)
    seq = latest_seq(document.id)
    query = (
        select(Annotation)
        .options(selectinload(Annotation.author))
        .where(
            Annotation.document_id == document.id,
            Annotation.seq > since,
            permissions.visible_filter(user),
        )
        .order_by(Annotation.seq)
    )
    if since == 0:
        query = query.where(Annotation.deleted_at.is_(None))
    moderator = permissions.can_moderate(user, document.meeting)
    found = list(db.session.scalars(query))
    # Most catch-ups after a reconnect find nothing: only a non-empty one asks who the guests are.
    guests = permissions.guest_ids(document.meeting) if any(not a.is_deleted for a in found) else set()
    return {
        "seq": seq,
        "annotations": [
            tombstone(a)
            if a.is_deleted
            else annotation_payload(
                a, redact=not permissions.sees_hidden_text(user, a, moderator), guest=a.author_id in guests
            )
            for a in found
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
            permissions.exportable_filter(),
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
