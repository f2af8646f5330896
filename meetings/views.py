"""HTTP adapters for meetings: the JSON API and the list of meetings.

Answers that show a meeting with its documents (GET/PATCH a meeting, publish, reorder, the
meeting page) join features: they are composition.pages'.
"""

from datetime import datetime

from flask import Blueprint, jsonify, render_template
from flask_login import current_user, login_required

from core.clock import in_vietnam
from core.http import json_body
from core.validation import parse
from councils.service import visible_councils
from meetings import service
from meetings.presenters import agenda_item_json, invited_json, meeting_summary, seat_json
from meetings.schemas import NewAgendaItem, NewMeeting, NewMember

bp = Blueprint("meetings", __name__)


@bp.app_template_filter("local_time")
def local_time(value: str | datetime) -> str:
    """Stored times are naive UTC; councils read them as dd/mm/yyyy HH:MM in Vietnam time."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return in_vietnam(moment.replace(tzinfo=None)).strftime("%d/%m/%Y %H:%M")


@bp.post("/api/meetings")
@login_required
def api_create_meeting():
    meeting = service.create_meeting(current_user, parse(NewMeeting, json_body()))
    return jsonify({"id": meeting.id}), 201


@bp.get("/api/meetings")
@login_required
def api_list_meetings():
    return jsonify([meeting_summary(m, current_user) for m in service.visible_meetings(current_user)])


@bp.post("/api/meetings/<int:meeting_id>/members")
@login_required
def api_add_member(meeting_id: int):
    membership = service.add_member(current_user, meeting_id, parse(NewMember, json_body()))
    return jsonify(seat_json(membership)), 201


@bp.post("/api/meetings/<int:meeting_id>/members/roster")
@login_required
def api_invite_council_roster(meeting_id: int):
    added = service.invite_council_roster(current_user, meeting_id)
    return jsonify(invited_json(added))


@bp.delete("/api/meetings/<int:meeting_id>/members/<int:user_id>")
@login_required
def api_remove_member(meeting_id: int, user_id: int):
    service.remove_member(current_user, meeting_id, user_id)
    return jsonify({"ok": True})


@bp.delete("/api/councils/<int:council_id>/members/<int:user_id>")
@login_required
def api_remove_from_roster(council_id: int, user_id: int):
    """Here, not in councils: off a council's roster is out of its meetings too."""
    service.remove_from_council_roster(current_user, council_id, user_id)
    return jsonify({"ok": True})


@bp.post("/api/meetings/<int:meeting_id>/agenda")
@login_required
def api_add_agenda_item(meeting_id: int):
    item = service.add_agenda_item(current_user, meeting_id, parse(NewAgendaItem, json_body()))
    return jsonify(agenda_item_json(item)), 201


@bp.patch("/api/agenda/<int:item_id>")
@login_required
def api_rename_agenda_item(item_id: int):
    item = service.rename_agenda_item(current_user, item_id, parse(NewAgendaItem, json_body()))
    return jsonify(agenda_item_json(item))


@bp.delete("/api/agenda/<int:item_id>")
@login_required
def api_delete_agenda_item(item_id: int):
    service.remove_agenda_item(current_user, item_id)
    return jsonify({"ok": True})


@bp.get("/")
@login_required
def index():
    meetings = [meeting_summary(m, current_user) for m in service.visible_meetings(current_user)]
    # The councils the caller runs: a new meeting is one of theirs (its name heads the digest).
    councils = visible_councils(current_user)
    return render_template("meetings/index.html", meetings=meetings, councils=councils)
