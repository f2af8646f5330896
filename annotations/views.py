"""HTTP adapters for annotations: the catch-up list a reconnecting client asks for, and a new
version of a document (its annotations carried across, annotations.versions)."""

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from annotations import queries, versions
from annotations.schemas import HIGHLIGHT_COLORS, INK_COLORS, MAX_BODY, Since
from core.validation import parse
from documents.presenters import upload_summary
from documents.views import runtime, uploaded_file

bp = Blueprint("annotations", __name__)


@bp.get("/api/documents/<int:document_id>/annotations")
@login_required
def api_changes(document_id: int):
    since = parse(Since, request.args.to_dict()).since
    return jsonify(queries.changes_since(current_user, document_id, since))


@bp.post("/api/documents/<int:document_id>/replace")
@login_required
def api_replace(document_id: int):
    filename, data = uploaded_file()
    document = versions.replace_document(
        current_user, document_id, filename, data, request.form.get("title"), runtime()
    )
    return jsonify(upload_summary(document)), 201


@bp.app_context_processor
def annotation_palette() -> dict:
    """The colours and limits the reader's annotation tools offer, the same ones the schemas accept."""
    return {"highlight_colors": HIGHLIGHT_COLORS, "ink_colors": INK_COLORS, "max_body": MAX_BODY}
