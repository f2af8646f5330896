"""HTTP adapters for the chair's digest page and exports (chair, secretaries and admins only)."""

from flask import Blueprint, Response, current_app, render_template, request
from flask_login import current_user, login_required

from annotations.digest import DigestFilters
from annotations.exports import service
from annotations.permissions import can_moderate
from core.validation import parse
from documents.service import active_documents

bp = Blueprint("exports", __name__)


def _filters() -> DigestFilters:
    return parse(DigestFilters, request.args.to_dict())


def _download(export: service.ExportFile) -> Response:
    # `mimetype` lets Flask add "; charset=utf-8" to text types itself: once, never twice.
    response = Response(export.body, mimetype=export.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/meetings/<int:meeting_id>/digest")
@login_required
def digest_page(meeting_id: int):
    meeting = service.exportable_meeting(current_user, meeting_id)
    agenda = [(item, active_documents(item)) for item in meeting.agenda_items]
    ids = [document.id for _item, documents in agenda for document in documents]
    return render_template(
        "annotations/digest.html",
        meeting=meeting,
        agenda=agenda,
        document_ids=ids,
        can_moderate=can_moderate(current_user, meeting),
    )


@bp.get("/api/meetings/<int:meeting_id>/digest.json")
@login_required
def api_digest(meeting_id: int):
    body = service.digest_json(current_user, meeting_id, _filters())
    response = Response(body, mimetype="application/json")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/api/meetings/<int:meeting_id>/digest.pdf")
@login_required
def api_digest_pdf(meeting_id: int):
    runtime = current_app.extensions["documents"]
    return _download(service.digest_pdf(current_user, meeting_id, _filters(), runtime))


@bp.get("/api/meetings/<int:meeting_id>/digest.docx")
@login_required
def api_digest_docx(meeting_id: int):
    return _download(service.digest_word(current_user, meeting_id, _filters()))


@bp.get("/api/meetings/<int:meeting_id>/digest.csv")
@login_required
def api_digest_csv(meeting_id: int):
    return _download(service.digest_table(current_user, meeting_id, _filters()))


@bp.get("/api/meetings/<int:meeting_id>/annotations.jsonld")
@login_required
def api_annotations_jsonld(meeting_id: int):
    body = service.web_annotations(current_user, meeting_id, request.url_root)
    response = Response(body, content_type='application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"')
    response.headers["Cache-Control"] = "private, no-store"  # comments are not for shared caches
    return response


@bp.get("/api/documents/<int:document_id>/annotated.pdf")
@login_required
def api_annotated_pdf(document_id: int):
    return _download(service.annotated_pdf(current_user, document_id, current_app.extensions["documents"]))
