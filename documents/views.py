"""HTTP adapters for documents: upload and versions, page images, text layer, paragraphs, reader."""

import gzip
import unicodedata
from urllib.parse import quote

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from flask_login import current_user, login_required

from annotations import versions
from core.errors import AppError
from documents import service

bp = Blueprint("documents", __name__)

DEFAULT_IMAGE_WIDTH = 1024


def _runtime() -> service.DocumentRuntime:
    return current_app.extensions["documents"]


def _uploaded_file() -> tuple[str, bytes]:
    upload = request.files.get("file")
    if upload is None:
        raise AppError("file_missing")
    with upload.stream:
        return upload.filename or "", upload.read()


@bp.post("/api/agenda/<int:item_id>/documents")
@login_required
def api_upload(item_id: int):
    filename, data = _uploaded_file()
    document = service.upload_document(
        current_user, item_id, filename, data, request.form.get("title"), _runtime()
    )
    return jsonify(document.to_summary()), 201


@bp.post("/api/documents/<int:document_id>/replace")
@login_required
def api_replace(document_id: int):
    filename, data = _uploaded_file()
    document = versions.replace_document(
        current_user, document_id, filename, data, request.form.get("title"), _runtime()
    )
    return jsonify(document.to_summary()), 201


@bp.delete("/api/documents/<int:document_id>")
@login_required
def api_withdraw(document_id: int):
    return jsonify(service.withdraw_document(current_user, document_id).to_summary())


@bp.get("/api/documents/<int:document_id>")
@login_required
def api_document(document_id: int):
    return jsonify(service.document_detail(service.get_document(current_user, document_id)))


@bp.get("/api/documents/<int:document_id>/paragraphs")
@login_required
def api_paragraphs(document_id: int):
    return jsonify([p.to_dict() for p in service.paragraphs(current_user, document_id)])


def content_disposition(filename: str) -> str:
    """Shown in the browser, saved under its own name (RFC 6266, UTF-8 names as RFC 5987)."""
    plain = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    plain = "".join(c if c.isalnum() or c in "-_." else "-" for c in plain) or "tai-lieu.pdf"
    return f"inline; filename=\"{plain}\"; filename*=UTF-8''{quote(filename)}"


@bp.get("/api/documents/<int:document_id>/file")
@login_required
def api_file(document_id: int):
    body, filename = service.original_file(current_user, document_id, _runtime())
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    response.headers["Content-Security-Policy"] = "sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/api/documents/<int:document_id>/changes")
@login_required
def api_changes(document_id: int):
    return jsonify(service.changes(current_user, document_id))


@bp.get("/api/documents/<int:document_id>/pages/<int:number>/text")
@login_required
def api_page_text(document_id: int, number: int):
    response = jsonify(service.page_words(current_user, document_id, number))
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


@bp.get("/api/documents/<int:document_id>/pages/<int:number>/image")
@login_required
def api_page_image(document_id: int, number: int):
    width = request.args.get("width", DEFAULT_IMAGE_WIDTH, type=int) or DEFAULT_IMAGE_WIDTH
    fmt = request.args.get("format", "auto")
    rendered = service.page_image(current_user, document_id, number, width, fmt, _runtime())
    return _image_response(rendered)


def _image_response(rendered) -> Response:
    """Send stored gzip as-is when the client accepts it; page images never change, so cache hard."""
    body, encoding = rendered.body, rendered.encoding
    if encoding == "gzip" and "gzip" not in request.headers.get("Accept-Encoding", ""):
        body, encoding = gzip.decompress(body), None
    response = Response(body, mimetype=rendered.mimetype)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    if rendered.mimetype == "image/svg+xml":
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
        )
    return response


@bp.get("/documents/<int:document_id>")
@login_required
def reader_page(document_id: int):
    document = service.get_document(current_user, document_id)
    return render_template(
        "documents/reader.html",
        document=service.document_detail(document),
        meeting=document.meeting,
        agenda_item=document.agenda_item,
    )
