"""HTTP adapters for documents: upload, page images, text layer, paragraphs.

A new version (annotations carried across: annotations.views) and the reader page (composition.pages)
join features and live above documents.
"""

import gzip
import unicodedata
from urllib.parse import quote

import brotli
from flask import Blueprint, Response, current_app, jsonify, request, send_file
from flask_login import current_user, login_required

from core.errors import AppError
from documents import presenters, service

bp = Blueprint("documents", __name__)

DEFAULT_IMAGE_WIDTH = 1024
READER_VIEWS = ("text", "pages")  # reading mode, the page view
# A placeholder for a page that timed out is kept by the browser this long, then asked for again.
PLACEHOLDER_MAX_AGE_S = 300


def runtime() -> service.DocumentRuntime:
    """The app's PDF workers, page cache and blob store (composition.app attaches them)."""
    return current_app.extensions["documents"]


def uploaded_file() -> tuple[str, bytes]:
    """The multipart `file` field as (name, bytes); a request without one is refused."""
    upload = request.files.get("file")
    if upload is None:
        raise AppError("file_missing")
    with upload.stream:
        return upload.filename or "", upload.read()


@bp.post("/api/agenda/<int:item_id>/documents")
@login_required
def api_upload(item_id: int):
    filename, data = uploaded_file()
    document = service.upload_document(
        current_user, item_id, filename, data, request.form.get("title"), runtime()
    )
    return jsonify(presenters.upload_summary(document)), 201


@bp.delete("/api/documents/<int:document_id>")
@login_required
def api_withdraw(document_id: int):
    return jsonify(presenters.document_summary(service.withdraw_document(current_user, document_id)))


@bp.get("/api/documents/<int:document_id>")
@login_required
def api_document(document_id: int):
    return jsonify(presenters.document_detail(service.get_document(current_user, document_id)))


@bp.get("/api/documents/<int:document_id>/paragraphs")
@login_required
def api_paragraphs(document_id: int):
    """All paragraphs; `?page=N` the layout of those on one page (no text), `?ids=1,2` those named:
    the reader asks for each page's layout, and for the text of the few that comments point at."""
    page = _int_arg("page")
    ids = _id_list(request.args.get("ids"))
    found = service.paragraphs(current_user, document_id, page=page, ids=ids)
    response = jsonify(
        [presenters.paragraph_layout(p) if page is not None else presenters.paragraph_json(p) for p in found]
    )
    if page is not None or ids is not None:
        response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.get("/api/documents/<int:document_id>/text")
@login_required
def api_reading_text(document_id: int):
    """Reading mode's paragraphs with their words, a few pages at a time (`?from=1&to=4`)."""
    first = _int_arg("from")
    first = 1 if first is None else first
    last = _int_arg("to")
    last = first if last is None else last
    response = jsonify(service.reading_text(current_user, document_id, first, last))
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def _int_arg(name: str) -> int | None:
    value = request.args.get(name)
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 6:
        raise AppError("validation_error", detail=name)
    return int(value)


def _id_list(value: str | None) -> list[int] | None:
    if value is None:
        return None
    parts = value.split(",")
    if len(parts) > 500 or not all(part.isascii() and part.isdigit() and len(part) <= 12 for part in parts):
        raise AppError("validation_error", detail="ids")
    return [int(part) for part in parts]


@bp.get("/api/documents/<int:document_id>/pages/<int:number>/view")
@login_required
def api_page_view(document_id: int, number: int):
    """The reader's page in one response: vector markup (glyphs from a sheet) and the text layer."""
    return _stored_response(service.page_view(current_user, document_id, number, runtime()))


@bp.get("/api/documents/<int:document_id>/glyphs/<int:block>")
@login_required
def api_glyph_sheet(document_id: int, block: int):
    return _stored_response(service.glyph_sheet(current_user, document_id, block, runtime()))


def content_disposition(filename: str) -> str:
    """Shown in the browser, saved under its own name (RFC 6266, UTF-8 names as RFC 5987)."""
    plain = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    plain = "".join(c if c.isalnum() or c in "-_." else "-" for c in plain) or "tai-lieu.pdf"
    return f"inline; filename=\"{plain}\"; filename*=UTF-8''{quote(filename)}"


@bp.get("/api/documents/<int:document_id>/file")
@login_required
def api_file(document_id: int):
    path, filename = service.original_file(current_user, document_id, runtime())
    response = send_file(path, mimetype="application/pdf", conditional=False, etag=False)
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
    rendered = service.page_image(current_user, document_id, number, width, fmt, runtime())
    return _stored_response(rendered)


_DECOMPRESS = {"gzip": gzip.decompress, "br": brotli.decompress}


def _stored_response(rendered) -> Response:
    """Send what the cache stored, compressed as stored when the client accepts it (otherwise
    plain, and Flask-Compress picks what it does accept). A document id names fixed content
    (a new version is a new id), so browsers keep it without asking again."""
    body, encoding = rendered.body, rendered.encoding
    if encoding and encoding not in request.headers.get("Accept-Encoding", ""):
        body, encoding = _DECOMPRESS[encoding](body), None
    response = Response(body, mimetype=rendered.mimetype)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    if rendered.placeholder:  # the page is tried again once the server forgets its time-out
        response.headers["Cache-Control"] = f"private, max-age={PLACEHOLDER_MAX_AGE_S}"
    if rendered.mimetype == "image/svg+xml":
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
        )
    return response
