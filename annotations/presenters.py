"""Annotations as JSON: the one place an annotation is shaped for live clients, catch-up and
exports (h's `annotation_json`). The digest and export files shape their own documents from it."""

from annotations.models import Annotation


def author_json(annotation: Annotation, *, guest: bool = False) -> dict:
    """Who wrote it; a guest (khách mời) of the meeting also with `guest` and their office, so
    the reader labels an official's answer as theirs and not a delegate's opinion."""
    author = {"id": annotation.author_id, "name": annotation.author.display_name}
    if guest:
        author |= {"guest": True, "office": annotation.author.office}
    return author


def annotation_payload(annotation: Annotation, *, redact: bool = False, guest: bool = False) -> dict:
    """The annotation as clients and exports see it; `redact` blanks a hidden comment's text;
    `guest`: its author is a guest of the meeting (annotations.permissions.guest_ids)."""
    redacted = redact and annotation.is_hidden
    return {
        "id": annotation.id,
        "document_id": annotation.document_id,
        "author": author_json(annotation, guest=guest),
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
        "anchor": annotation.anchor,
    }


def tombstone(annotation: Annotation) -> dict:
    """A deleted annotation as clients learn of it: enough to drop it, nothing of its content."""
    return {
        "id": annotation.id,
        "document_id": annotation.document_id,
        "seq": annotation.seq,
        "deleted": True,
    }
