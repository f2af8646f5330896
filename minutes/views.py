"""HTTP adapters for the minutes (chair, secretaries and admins)."""

from flask import Blueprint, Response, current_app
from flask_login import current_user, login_required

from annotations.exports.heading import ReportHeading
from minutes import service

bp = Blueprint("minutes", __name__)


def _heading() -> ReportHeading:
    return ReportHeading(current_app.config["COUNCIL_NAME"], current_app.config["COUNCIL_PLACE"])


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
