"""HTTP adapters for the minutes (chair, secretaries and admins): downloads, the editing page and API."""

from flask import Blueprint, Response, current_app, jsonify, render_template
from flask_login import current_user, login_required

from annotations.exports.heading import ReportHeading
from core.http import json_body
from core.validation import parse
from minutes import drafting, review, service
from minutes.schemas import MinutesEdit, MinutesFinal

bp = Blueprint("minutes", __name__)


# The minutes are a paper of the meeting's council: a meeting of no council gets the digest's
# `council_required` refusal at download, and a draft with no council's name until one is chosen.
NO_COUNCIL = ReportHeading("", "")


def _heading() -> ReportHeading:
    return NO_COUNCIL


def _defaults() -> tuple[str, str]:
    return NO_COUNCIL.council, NO_COUNCIL.place


def _download(export) -> Response:
    response = Response(export.body, mimetype=export.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/api/meetings/<int:meeting_id>/minutes.pdf")
@login_required
def api_minutes_pdf(meeting_id: int):
    runtime = current_app.extensions["documents"]
    return _download(service.minutes_pdf(current_user, meeting_id, _heading(), runtime))


@bp.get("/api/meetings/<int:meeting_id>/minutes.docx")
@login_required
def api_minutes_docx(meeting_id: int):
    return _download(service.minutes_word(current_user, meeting_id, _heading()))


@bp.get("/api/meetings/<int:meeting_id>/minutes")
@login_required
def api_minutes(meeting_id: int):
    return jsonify(drafting.draft_state(current_user, meeting_id, *_defaults()))


@bp.put("/api/meetings/<int:meeting_id>/minutes/paragraphs/<key>")
@login_required
def api_minutes_paragraph(meeting_id: int, key: str):
    edit = parse(MinutesEdit, json_body())
    return jsonify(drafting.write(current_user, meeting_id, key, edit, *_defaults()))


@bp.post("/api/meetings/<int:meeting_id>/minutes/finalise")
@login_required
def api_minutes_finalise(meeting_id: int):
    final = parse(MinutesFinal, json_body())
    return jsonify(drafting.finalise(current_user, meeting_id, final, *_defaults()))


@bp.get("/meetings/<int:meeting_id>/minutes")
@login_required
def minutes_page(meeting_id: int):
    meeting = drafting.drafter_meeting(current_user, meeting_id)
    return render_template("minutes/editor.html", meeting=meeting)


@bp.post("/api/meetings/<int:meeting_id>/minutes/publish")
@login_required
def api_minutes_publish(meeting_id: int):
    runtime = current_app.extensions["documents"]
    document = review.publish_for_review(current_user, meeting_id, _heading(), runtime)
    return jsonify({"document_id": document.id, "version": document.version}), 201
