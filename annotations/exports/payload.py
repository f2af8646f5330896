"""The digest as JSON for the chair's live page (GET /api/meetings/<id>/digest.json)."""

from datetime import datetime

from annotations.digest import DelegateCount, Digest, DocumentDigest, Entry, ParagraphDigest


def _instant(value: datetime | None) -> str | None:
    return value.isoformat() + "Z" if value else None


def _entry(entry: Entry) -> dict:
    """Hidden text stays in: only the chair and secretary read this, and they moderate it."""
    return {
        "id": entry.id,
        "kind": entry.kind,
        "author": {"id": entry.author_id, "name": entry.author}
        | ({"guest": True, "office": entry.office} if entry.guest else {}),
        "created_at": _instant(entry.created_at),
        "updated_at": _instant(entry.updated_at),
        "body": entry.body,
        "hidden": entry.hidden,
        "reply_to": entry.reply_to,
        "page": entry.page,
        "quote": entry.quote,
        "carried": entry.carried,
        "replies": [_entry(reply) for reply in entry.replies],
    }


def _paragraph(paragraph: ParagraphDigest) -> dict:
    return {
        "id": paragraph.id,
        "number": paragraph.number,
        "label": paragraph.label,
        "citation": paragraph.citation,
        "change": paragraph.change,
        "page": paragraph.page,
        "bbox": paragraph.bbox,
        "text": paragraph.text,
        "comments": paragraph.comments,
        "replies": paragraph.replies,
        "notes": paragraph.notes,
        "highlights": paragraph.highlights,
        "answers": paragraph.answers,
        "entries": [_entry(entry) for entry in paragraph.entries],
    }


def _document(document: DocumentDigest) -> dict:
    return {
        "id": document.id,
        "title": document.title,
        "version": document.version,
        "status": document.status,
        "page_count": document.page_count,
        "counts": {
            "comments": document.comments,
            "replies": document.replies,
            "notes": document.notes,
            "highlights": document.highlights,
            "hidden": document.hidden,
            "participants": document.participants,
            "answers": document.answers,
        },
        "general": [_entry(entry) for entry in document.general],
        "paragraphs": [_paragraph(paragraph) for paragraph in document.paragraphs],
        "orphaned": [_entry(entry) for entry in document.orphaned],
    }


def _delegate(count: DelegateCount) -> dict:
    return {
        "user_id": count.user_id,
        "name": count.name,
        "comments": count.comments,
        "replies": count.replies,
        "notes": count.notes,
        "highlights": count.highlights,
        "documents": count.documents,
    }


def digest_payload(digest: Digest) -> dict:
    filters = digest.filters
    return {
        "meeting": {
            "id": digest.meeting_id,
            "title": digest.title,
            "starts_at": _instant(digest.starts_at),
            "location": digest.location,
            "chair": digest.chair,
        },
        "generated_at": _instant(digest.generated_at),
        "filters": {
            "agenda_item": filters.agenda_item,
            "document": filters.document,
            "since": _instant(filters.since),
            "until": _instant(filters.until),
        },
        "agenda": [
            {
                "id": item.id,
                "position": item.position,
                "title": item.title,
                "documents": [_document(document) for document in item.documents],
            }
            for item in digest.items
        ],
        "delegates": [_delegate(count) for count in digest.delegates],
    }
