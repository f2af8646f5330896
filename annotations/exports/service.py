"""The chair's exports: who may export, and which function turns the meeting into which file.

Who exports, and that only shared annotations ever leave, is annotations.permissions. PyMuPDF
work (typesetting the digest, writing annotations into a PDF) runs in the PDF worker pool, off
the server's event loop; the other formats are built from rows read on the loop, then encoded
in an OS thread.
"""

import json
from dataclasses import dataclass

from gevent import get_hub, monkey
from sqlalchemy import select

from accounts.models import User
from annotations.digest import Digest, DigestFilters, build_digest, gather
from annotations.exports.csv import digest_csv
from annotations.exports.docx import digest_docx
from annotations.exports.heading import GUEST, ReportHeading
from annotations.exports.jsonld import annotation_collection
from annotations.exports.payload import digest_payload
from annotations.exports.pdf import typeset_request
from annotations.models import Annotation, Kind
from annotations.permissions import guest_ids, require_exporter
from annotations.queries import shared_annotations, shared_annotations_of_meeting
from annotations.schemas import HIGHLIGHT_COLORS, INK_COLORS
from audit import service as audit
from core.clock import utcnow
from core.errors import AppError
from core.extensions import db
from documents.models import DocumentPage, Paragraph
from documents.service import DocumentRuntime, get_document
from meetings.models import Meeting
from storage.pdf.shared import Mark, PdfRejected

NOTE_COLOR = "#f9a825"
COMMENT_COLOR = "#1565c0"
# The icon of a paragraph's comment sits in the margin just left of the paragraph.
ICON_PT = 20.0


@dataclass(frozen=True)
class ExportFile:
    body: bytes
    filename: str
    mimetype: str


def _exported(user: User, meeting_id: int, export: str, document_id: int | None = None) -> None:
    """Exports leave the platform: each one is on the audit trail."""
    audit.record(user, "exported", meeting_id=meeting_id, document_id=document_id, export=export)


def exportable_meeting(user: User, meeting_id: int) -> Meeting:
    return require_exporter(db.session.get(Meeting, meeting_id), user)


def meeting_digest(user: User, meeting_id: int, filters: DigestFilters) -> Digest:
    meeting = exportable_meeting(user, meeting_id)
    return build_digest(gather(meeting, filters), filters, utcnow())


def _report(user: User, meeting_id: int, filters: DigestFilters) -> tuple[Digest, ReportHeading]:
    """The digest, headed by the meeting's council; refused for a meeting of no council."""
    meeting = exportable_meeting(user, meeting_id)
    heading = ReportHeading.of_council(meeting.council)
    return build_digest(gather(meeting, filters), filters, utcnow()), heading


def digest_pdf(user: User, meeting_id: int, filters: DigestFilters, runtime: DocumentRuntime) -> ExportFile:
    job = typeset_request(*_report(user, meeting_id, filters))
    try:
        body = runtime.pool.typeset(job["fragments"], job["css"], job["page_numbers"], job["metadata"])
    except PdfRejected as failure:
        raise AppError("export_failed", 503) from failure
    _exported(user, meeting_id, "digest.pdf")
    return ExportFile(body, f"tong-hop-y-kien-ky-hop-{meeting_id}.pdf", "application/pdf")


def digest_word(user: User, meeting_id: int, filters: DigestFilters) -> ExportFile:
    body = _off_the_event_loop(digest_docx, *_report(user, meeting_id, filters))
    mimetype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    _exported(user, meeting_id, "digest.docx")
    return ExportFile(body, f"tong-hop-y-kien-ky-hop-{meeting_id}.docx", mimetype)


def _off_the_event_loop(work, *args):
    """Run CPU-bound pure Python (python-docx: seconds for a busy meeting) in a real OS thread
    when gevent serves the sockets, so the interpreter keeps switching back to them meanwhile."""
    if monkey.is_module_patched("threading"):
        return get_hub().threadpool.apply(work, args)
    return work(*args)


def digest_json(user: User, meeting_id: int, filters: DigestFilters) -> bytes:
    """The digest for the chair's live page, as UTF-8 JSON (megabytes for a busy meeting)."""
    return _off_the_event_loop(_json, digest_payload, meeting_digest(user, meeting_id, filters))


def digest_table(user: User, meeting_id: int, filters: DigestFilters) -> ExportFile:
    body = _off_the_event_loop(digest_csv, meeting_digest(user, meeting_id, filters))
    _exported(user, meeting_id, "digest.csv")
    return ExportFile(body, f"tong-hop-y-kien-ky-hop-{meeting_id}.csv", "text/csv")


def web_annotations(user: User, meeting_id: int, base_url: str) -> bytes:
    """Every shared annotation of the meeting, hidden comments excepted, as a W3C collection.

    The rows are read here; the collection is built from them, already loaded, in the thread.
    """
    meeting = exportable_meeting(user, meeting_id)
    annotations = shared_annotations_of_meeting(meeting.id)
    paragraphs: dict = _paragraphs_of(annotations)
    marked = {(a.document_id, a.page) for a in annotations if a.kind == Kind.HIGHLIGHT}
    if marked:  # the paragraphs under highlights, for the text around each quote
        query = select(Paragraph).where(Paragraph.document_id.in_({d for d, _ in marked}))
        for paragraph in db.session.scalars(query):
            if (paragraph.document_id, paragraph.page) in marked:
                paragraphs.setdefault((paragraph.document_id, paragraph.page), []).append(paragraph)
    inked = {(a.document_id, a.page) for a in annotations if a.kind == Kind.INK}
    sizes = {}
    if inked:  # each drawing's SVG is laid over its whole page
        query = select(DocumentPage).where(DocumentPage.document_id.in_({d for d, _ in inked}))
        sizes = {
            (page.document_id, page.number): (page.width, page.height)
            for page in db.session.scalars(query)
            if (page.document_id, page.number) in inked
        }
    body = _off_the_event_loop(
        _json, annotation_collection, meeting, annotations, paragraphs, base_url, sizes
    )
    _exported(user, meeting.id, "annotations.jsonld")
    return body


def _json(build, *args) -> bytes:
    return json.dumps(build(*args), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def annotated_pdf(user: User, document_id: int, runtime: DocumentRuntime) -> ExportFile:
    """The original PDF with every shared highlight, stroke, note and comment written into it."""
    document = get_document(user, document_id)  # a withdrawn one only for its secretaries
    require_exporter(document.meeting, user, "document_not_found")
    annotations = shared_annotations([document.id])
    paragraphs = _paragraphs_of(annotations)
    guests = guest_ids(document.meeting) if annotations else set()
    marks = [_mark(annotation, paragraphs, annotation.author_id in guests) for annotation in annotations]
    try:
        body = runtime.pool.annotate(str(runtime.store.local_path(document.sha256)), marks)
    except PdfRejected as failure:
        raise AppError("export_failed", 503) from failure
    _exported(user, document.meeting.id, "annotated.pdf", document.id)
    return ExportFile(body, f"tai-lieu-{document.id}-co-y-kien.pdf", "application/pdf")


def _paragraphs_of(annotations: list[Annotation]) -> dict[int, Paragraph]:
    ids = {a.paragraph_id for a in annotations if a.paragraph_id}
    return {p.id: p for p in db.session.scalars(select(Paragraph).where(Paragraph.id.in_(ids)))}


def _mark(annotation: Annotation, paragraphs: dict[int, Paragraph], guest: bool = False) -> Mark:
    """`guest`: the author is a guest (khách mời) of the meeting, named so in the PDF's note."""
    target = annotation.target or {}
    author = annotation.author.display_name
    common = {
        "kind": annotation.kind,
        "name": f"phonghop-annotation-{annotation.id}",
        "author": f"{author} ({GUEST})" if guest else author,
        "content": annotation.body,
        "created": annotation.created_at,
        "modified": annotation.updated_at,
        "reply_to": f"phonghop-annotation-{annotation.reply_to_id}" if annotation.reply_to_id else None,
    }
    if annotation.kind == Kind.HIGHLIGHT:
        color = HIGHLIGHT_COLORS.get(target.get("color", "yellow"))
        return Mark(page=annotation.page, quads=target["quads"], color=color, subject="Đánh dấu", **common)
    if annotation.kind == Kind.INK:
        color = INK_COLORS.get(target.get("color", "red"))
        return Mark(
            page=annotation.page,
            paths=target["paths"],
            color=color,
            width=target.get("width"),
            subject="Nét vẽ",
            **common,
        )
    if annotation.kind == Kind.NOTE:
        return Mark(
            page=annotation.page, point=tuple(target["point"]), color=NOTE_COLOR, subject="Ghi chú", **common
        )
    paragraph = paragraphs.get(annotation.paragraph_id)
    if paragraph is None:
        # A comment on the whole document: in the top-left corner of its first page.
        return Mark(page=1, point=(4.0, 4.0), color=COMMENT_COLOR, subject="Ý kiến chung", **common)
    return Mark(
        page=paragraph.page,
        point=(paragraph.x0 - ICON_PT - 2, paragraph.y0),
        color=COMMENT_COLOR,
        subject=f"Ý kiến về {paragraph.citation or f'Đoạn {paragraph.number}'}",
        **common,
    )
