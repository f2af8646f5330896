"""Draft the minutes of a meeting as PDF or DOCX, for its chair and secretaries.

The PDF is typeset in the PDF worker processes (never PyMuPDF in the web process); the DOCX is
built with python-docx off the event loop, like the digest's Word export. Each download is on
the audit trail: the minutes leave the platform.
"""

from annotations.exports.heading import ReportHeading
from annotations.exports.service import ExportFile, _off_the_event_loop
from audit import service as audit
from core.errors import AppError
from documents.service import DocumentRuntime
from minutes.docx import MIMETYPE, minutes_docx
from minutes.drafting import current_record, drafter_meeting
from minutes.pdf import typeset_request
from minutes.record import MinutesRecord
from storage.pdf.shared import PdfRejected


def draft_record(user, meeting_id: int, default: ReportHeading) -> tuple[MinutesRecord, ReportHeading]:
    """The locked minutes once finalised, else the draft as of now with the secretary's paragraphs;
    and the heading of the meeting's council (else the deployment's)."""
    meeting = drafter_meeting(user, meeting_id)
    return current_record(meeting, default.council, default.place), default.of_council(meeting.council)


def minutes_pdf(user, meeting_id: int, default: ReportHeading, runtime: DocumentRuntime) -> ExportFile:
    job = typeset_request(*draft_record(user, meeting_id, default))
    try:
        body = runtime.pool.typeset(job["fragments"], job["css"], job["page_numbers"], job["metadata"])
    except PdfRejected as failure:
        raise AppError("export_failed", 503) from failure
    audit.record(user, "exported", meeting_id=meeting_id, export="minutes.pdf")
    return ExportFile(body, f"bien-ban-ky-hop-{meeting_id}.pdf", "application/pdf")


def minutes_word(user, meeting_id: int, default: ReportHeading) -> ExportFile:
    body = _off_the_event_loop(minutes_docx, *draft_record(user, meeting_id, default))
    audit.record(user, "exported", meeting_id=meeting_id, export="minutes.docx")
    return ExportFile(body, f"bien-ban-ky-hop-{meeting_id}.docx", MIMETYPE)
