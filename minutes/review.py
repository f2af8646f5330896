"""Delegates review the draft minutes as a document of the meeting.

The draft is typeset (in the PDF workers) and uploaded through the documents' own upload
service into an agenda item of its own, "Biên bản kỳ họp (dự thảo)"; each later draft is a new
version of that document, so the reader, comments and versions work as for any paper, and
comments are carried to the next draft (annotations.versions).
"""

from accounts.models import User
from annotations import versions
from annotations.exports.heading import ReportHeading
from audit import service as audit
from core.errors import AppError, forbidden
from core.extensions import db
from documents import service as documents
from documents.models import Document
from meetings import service as meetings
from meetings.permissions import can_manage
from meetings.schemas import NewAgendaItem
from minutes.drafting import draft_row, drafter_meeting, live_record
from minutes.pdf import typeset_request
from storage.pdf.shared import PdfRejected

REVIEW_ITEM = "Biên bản kỳ họp (dự thảo để đại biểu góp ý)"
REVIEW_TITLE = "Dự thảo Biên bản kỳ họp"


def publish_for_review(user: User, meeting_id: int, default: ReportHeading, runtime) -> Document:
    """The secretary puts the current draft before the delegates: a new document, or its next version."""
    meeting = drafter_meeting(user, meeting_id)
    if not can_manage(meeting, user):
        raise forbidden()
    record = live_record(meeting, default.council, default.place)
    job = typeset_request(record, default.of_council(meeting.council))
    try:
        body = runtime.pool.typeset(job["fragments"], job["css"], job["page_numbers"], job["metadata"])
    except PdfRejected as failure:
        raise AppError("export_failed", 503) from failure
    draft = draft_row(meeting.id)
    previous = db.session.get(Document, draft.document_id) if draft.document_id else None
    filename = f"du-thao-bien-ban-ky-hop-{meeting.id}.pdf"
    if previous is not None and previous.is_active and previous.agenda_item.removed_at is None:
        document = versions.replace_document(user, previous.id, filename, body, REVIEW_TITLE, runtime)
    else:
        item = meetings.add_agenda_item(user, meeting.id, NewAgendaItem(title=REVIEW_ITEM))
        document = documents.upload_document(user, item.id, filename, body, REVIEW_TITLE, runtime)
    draft.document_id = document.id
    audit.record(
        user, "minutes_published", meeting_id=meeting.id, document_id=document.id, version=document.version
    )
    db.session.flush()
    return document
