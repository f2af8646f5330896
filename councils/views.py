"""HTTP adapters for councils: the JSON API and the pages where officers keep their roster."""

from flask import Blueprint, jsonify, render_template, request
from flask_login import current_user, login_required

from core.errors import AppError
from core.http import json_body
from core.validation import parse
from councils import service
from councils.presenters import council_json, officer_json, person_json
from councils.schemas import NewCouncil, NewOfficer, NewRosterMember

bp = Blueprint("councils", __name__)


@bp.app_context_processor
def council_navigation() -> dict:
    """Whether the top bar offers the councils page: admins and officers only (asked lazily)."""

    def shows_councils() -> bool:
        return current_user.is_authenticated and (
            current_user.is_admin or bool(service.visible_councils(current_user))
        )

    return {"shows_councils": shows_councils}


@bp.post("/api/councils")
@login_required
def api_create_council():
    council = service.create_council(current_user, parse(NewCouncil, json_body()))
    return jsonify({"id": council.id}), 201


@bp.get("/api/councils")
@login_required
def api_list_councils():
    return jsonify([council_json(council) for council in service.visible_councils(current_user)])


@bp.post("/api/councils/<int:council_id>/officers")
@login_required
def api_add_officer(council_id: int):
    officer = service.add_officer(current_user, council_id, parse(NewOfficer, json_body()))
    return jsonify(officer_json(officer)), 201


@bp.delete("/api/councils/<int:council_id>/officers/<int:user_id>")
@login_required
def api_remove_officer(council_id: int, user_id: int):
    service.remove_officer(current_user, council_id, user_id)
    return jsonify({"ok": True})


@bp.get("/api/councils/<int:council_id>/members")
@login_required
def api_roster(council_id: int):
    return jsonify([person_json(user) for user in service.roster(current_user, council_id)])


@bp.post("/api/councils/<int:council_id>/members")
@login_required
def api_add_to_roster(council_id: int):
    user, added = service.add_to_roster(current_user, council_id, parse(NewRosterMember, json_body()))
    return jsonify(person_json(user)), 201 if added else 200


# DELETE /api/councils/<id>/members/<user_id> is meetings.views': off the roster is out of the meetings.


@bp.post("/api/councils/<int:council_id>/members/import")
@login_required
def api_import_roster(council_id: int):
    upload = request.files.get("file")
    if upload is None:
        raise AppError("file_missing")
    with upload.stream:
        report = service.import_roster(current_user, council_id, upload.read())
    return jsonify(report), 201 if report["created"] or report["added"] else 200


@bp.get("/councils")
@login_required
def councils_page():
    """Admins set up councils and their officers; officers reach their councils' rosters."""
    councils = service.visible_councils(current_user)
    if not councils and not current_user.is_admin:
        raise AppError("forbidden", 403)
    return render_template("councils/index.html", councils=councils)


@bp.get("/councils/<int:council_id>")
@login_required
def council_page(council_id: int):
    council = service.get_council(current_user, council_id)
    return render_template(
        "councils/council.html",
        council=council,
        officers=sorted((o.user for o in council.officers), key=lambda u: u.full_name or u.username),
        roster=[person_json(user) for user in service.roster_users(council)],
    )
