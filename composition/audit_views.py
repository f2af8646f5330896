"""The audit trail for a meeting's managers and for admins: JSON and one page each.

Here, above the features: audit itself is a leaf, and who may read a meeting's trail is the
meeting's rule (meetings.service.audit_events).
"""

from flask import Blueprint, jsonify, render_template, request
from flask_login import current_user, login_required

from accounts.auth import admin_required
from audit import service
from audit.labels import action_label, detail_label, value_label
from audit.presenters import event_json
from meetings.service import audit_events, get_meeting

bp = Blueprint("audit", __name__)


def _before() -> int | None:
    value = request.args.get("before", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


@bp.app_template_filter("audit_action")
def audit_action(action: str) -> str:
    return action_label(action)


@bp.app_template_filter("audit_detail")
def audit_detail(key: str) -> str:
    return detail_label(key)


@bp.app_template_filter("audit_value")
def audit_value(value) -> str:
    return value_label(value)


@bp.get("/api/meetings/<int:meeting_id>/audit")
@login_required
def api_meeting_audit(meeting_id: int):
    events = audit_events(current_user, meeting_id, _before())
    return jsonify([event_json(event) for event in events])


@bp.get("/api/audit")
@admin_required
def api_audit():
    events = service.all_events(current_user, _before(), request.args.get("action") or None)
    return jsonify([event_json(event) for event in events])


@bp.get("/meetings/<int:meeting_id>/audit")
@login_required
def meeting_audit_page(meeting_id: int):
    events = audit_events(current_user, meeting_id, _before())
    meeting = get_meeting(current_user, meeting_id)
    return render_template("audit/events.html", events=events, meeting=meeting)


@bp.get("/admin/audit")
@admin_required
def audit_page():
    events = service.all_events(current_user, _before(), request.args.get("action") or None)
    return render_template("audit/events.html", events=events, meeting=None)
