"""Pages and API answers that join features: a meeting with its documents, and the reader.

They sit above the features (meetings does not know documents, documents does not know
annotations); each handler still makes one service call and presents the result.
"""

from flask import Blueprint, jsonify, render_template, request, url_for
from flask_login import current_user, login_required

from composition.presenters import meeting_detail
from core.http import json_body
from core.validation import parse
from documents import service as documents
from documents.presenters import document_detail, page_runs
from meetings import service as meetings
from meetings.permissions import can_moderate, is_guest, role_of
from meetings.schemas import AgendaOrder, MeetingChanges

bp = Blueprint("pages", __name__)

READER_VIEWS = ("text", "pages")  # reading mode, the page view

# Endpoints these pages had before they moved here, still answered by `url_for` (see alias_endpoint).
OLD_ENDPOINTS = {
    "meetings.meeting_page": "pages.meeting_page",
    "documents.reader_page": "pages.reader_page",
}


@bp.get("/api/meetings/<int:meeting_id>")
@login_required
def api_get_meeting(meeting_id: int):
    return jsonify(meeting_detail(meetings.get_meeting(current_user, meeting_id), current_user))


@bp.patch("/api/meetings/<int:meeting_id>")
@login_required
def api_update_meeting(meeting_id: int):
    meeting = meetings.update_meeting(current_user, meeting_id, parse(MeetingChanges, json_body()))
    return jsonify(meeting_detail(meeting, current_user))


@bp.post("/api/meetings/<int:meeting_id>/publish")
@login_required
def api_publish(meeting_id: int):
    meeting = meetings.publish(current_user, meeting_id)
    return jsonify(meeting_detail(meeting, current_user))


@bp.put("/api/meetings/<int:meeting_id>/agenda/order")
@login_required
def api_reorder_agenda(meeting_id: int):
    meeting = meetings.reorder_agenda(current_user, meeting_id, parse(AgendaOrder, json_body()))
    return jsonify(meeting_detail(meeting, current_user))


@bp.get("/meetings/<int:meeting_id>")
@login_required
def meeting_page(meeting_id: int):
    meeting = meetings.get_meeting(current_user, meeting_id)
    return render_template(
        "meetings/meeting.html",
        meeting=meeting_detail(meeting, current_user),
        role=role_of(meeting, current_user),
    )


@bp.get("/documents/<int:document_id>")
@login_required
def reader_page(document_id: int):
    document = documents.get_document(current_user, document_id)
    chosen = request.args.get("view") or request.cookies.get("reader_view")
    detail = document_detail(document)
    pages = detail.pop("pages")
    return render_template(
        "documents/reader.html",
        view_choice=chosen if chosen in READER_VIEWS else None,
        document={**detail, "page_runs": page_runs(pages)},
        first_page=pages[0] if pages else None,
        reader_constants=documents.READER_CONSTANTS,
        meeting=document.meeting,
        agenda_item=document.agenda_item,
        can_moderate=can_moderate(current_user, document.meeting),
        # A guest (khách mời) is offered no share option: annotations.permissions refuses it.
        is_guest=is_guest(current_user, document.meeting),
    )


def alias_endpoint(error, endpoint: str, values: dict):
    """`url_for` under a page's old endpoint name (templates written before the move) still builds."""
    new = OLD_ENDPOINTS.get(endpoint)
    if new is None:
        raise error
    return url_for(new, **values)
