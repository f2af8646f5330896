"""Reading: who may open a document, and its paragraphs, reading mode's text, the original file
and what changed from the version it replaced."""

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm.interfaces import ORMOption

from accounts.models import User
from core.errors import AppError
from core.extensions import db
from documents import presenters
from documents.models import Document, DocumentPage, DocumentStatus, Paragraph
from documents.runtime import DocumentRuntime
from meetings.permissions import can_manage, require_visible
from storage.reanchor import word_diff

# The most pages one paragraph is looked for across when the reader asks for a page's paragraphs.
PARAGRAPH_MAX_SPAN_PAGES = 3


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
            pages[paragraph.page]["paragraphs"].append(presenters.paragraph_json(paragraph))
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
    removed = [presenters.removed_paragraph_json(p) for p in earlier.values() if p.id not in kept]
    return {"previous_id": document.replaces_id, "paragraphs": listed, "removed": removed}
