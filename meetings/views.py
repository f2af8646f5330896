"""HTTP adapters for meetings: the JSON API and the meeting pages."""

from datetime import datetime

from flask import Blueprint, jsonify, render_template
from flask_login import current_user, login_required

from annotations.permissions import can_export
from core.clock import in_vietnam
from core.http import json_body
from core.validation import parse
from councils.service import visible_councils
from documents.service import active_documents
from meetings import service
from meetings.permissions import can_manage, role_of
from meetings.schemas import AgendaOrder, MeetingChanges, NewAgendaItem, NewMeeting, NewMember

bp = Blueprint("meetings", __name__)


@bp.app_template_filter("local_time")
def local_time(value: str | datetime) -> str:
    """Stored times are naive UTC; councils read them as dd/mm/yyyy HH:MM in Vietnam time."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return in_vietnam(moment.replace(tzinfo=None)).strftime("%d/%m/%Y %H:%M")


def meeting_detail(meeting, user) -> dict:
    """The meeting with its agenda; secretaries also see members and replaced versions."""
    manager = can_manage(meeting, user)
    detail = {
        **service.meeting_summary(meeting, user),
        "can_manage": manager,
        "can_export": can_export(user, meeting),
        "agenda": [
            {
                "id": item.id,
                "position": item.position,
                "title": item.title,
                "documents": [doc.to_summary() for doc in active_documents(item)],
            }
            for item in meeting.agenda_items
        ],
    }
    if manager:
        detail["members"] = [
            {"user_id": m.user_id, "username": m.user.username, "full_name": m.user.full_name, "role": m.role}
            for m in meeting.memberships
        ]
    return detail


@bp.post("/api/meetings")
@login_required
def api_create_meeting():
    meeting = service.create_meeting(current_user, parse(NewMeeting, json_body()))
    return jsonify({"id": meeting.id}), 201


@bp.get("/api/meetings")
@login_required
def api_list_meetings():
    return jsonify([service.meeting_summary(m, current_user) for m in service.visible_meetings(current_user)])


@bp.get("/api/meetings/<int:meeting_id>")
@login_required
def api_get_meeting(meeting_id: int):
    return jsonify(meeting_detail(service.get_meeting(current_user, meeting_id), current_user))


@bp.patch("/api/meetings/<int:meeting_id>")
@login_required
def api_update_meeting(meeting_id: int):
    meeting = service.update_meeting(current_user, meeting_id, parse(MeetingChanges, json_body()))
    return jsonify(meeting_detail(meeting, current_user))


@bp.post("/api/meetings/<int:meeting_id>/publish")
@login_required
def api_publish(meeting_id: int):
    meeting = service.publish(current_user, meeting_id)
    return jsonify(meeting_detail(meeting, current_user))


@bp.post("/api/meetings/<int:meeting_id>/members")
@login_required
def api_add_member(meeting_id: int):
    membership = service.add_member(current_user, meeting_id, parse(NewMember, json_body()))
    return jsonify({"user_id": membership.user_id, "role": membership.role}), 201


@bp.post("/api/meetings/<int:meeting_id>/members/roster")
@login_required
def api_invite_council_roster(meeting_id: int):
    added = service.invite_council_roster(current_user, meeting_id)
    return jsonify({"added": [membership.user_id for membership in added]})


@bp.delete("/api/meetings/<int:meeting_id>/members/<int:user_id>")
@login_required
def api_remove_member(meeting_id: int, user_id: int):
    service.remove_member(current_user, meeting_id, user_id)
    return jsonify({"ok": True})


@bp.post("/api/meetings/<int:meeting_id>/agenda")
@login_required
def api_add_agenda_item(meeting_id: int):
    item = service.add_agenda_item(current_user, meeting_id, parse(NewAgendaItem, json_body()))
    return jsonify({"id": item.id, "position": item.position, "title": item.title}), 201


@bp.put("/api/meetings/<int:meeting_id>/agenda/order")
@login_required
def api_reorder_agenda(meeting_id: int):
    meeting = service.reorder_agenda(current_user, meeting_id, parse(AgendaOrder, json_body()))
    return jsonify(meeting_detail(meeting, current_user))


@bp.patch("/api/agenda/<int:item_id>")
@login_required
def api_rename_agenda_item(item_id: int):
    item = service.rename_agenda_item(current_user, item_id, parse(NewAgendaItem, json_body()))
    return jsonify({"id": item.id, "position": item.position, "title": item.title})


@bp.delete("/api/agenda/<int:item_id>")
@login_required
def api_delete_agenda_item(item_id: int):
    service.remove_agenda_item(current_user, item_id)
    return jsonify({"ok": True})


@bp.get("/")
@login_required
def index():
    meetings = [service.meeting_summary(m, current_user) for m in service.visible_meetings(current_user)]
    # The councils the caller runs: a new meeting is one of theirs (its name heads the digest).
    councils = visible_councils(current_user)
    return render_template("meetings/index.html", meetings=meetings, councils=councils)


@bp.get("/meetings/<int:meeting_id>")
@login_required
def meeting_page(meeting_id: int):
    meeting = service.get_meeting(current_user, meeting_id)
    return render_template(
        "meetings/meeting.html",
        meeting=meeting_detail(meeting, current_user),
        role=role_of(meeting, current_user),
    )
