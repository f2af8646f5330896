"""HTTP adapters for councils."""

from flask import Blueprint, jsonify
from flask_login import current_user, login_required

from core.http import json_body
from core.validation import parse
from councils import service
from councils.schemas import NewCouncil, NewOfficer

bp = Blueprint("councils", __name__)


@bp.post("/api/councils")
@login_required
def api_create_council():
    council = service.create_council(current_user, parse(NewCouncil, json_body()))
    return jsonify({"id": council.id}), 201


@bp.get("/api/councils")
@login_required
def api_list_councils():
    return jsonify([council.to_dict() for council in service.visible_councils(current_user)])


@bp.post("/api/councils/<int:council_id>/officers")
@login_required
def api_add_officer(council_id: int):
    officer = service.add_officer(current_user, council_id, parse(NewOfficer, json_body()))
    return jsonify({"council_id": officer.council_id, "user_id": officer.user_id}), 201
