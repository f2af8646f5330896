"""HTTP adapters for documents: upload and versions, page images, text layer, paragraphs, reader."""

import gzip
import unicodedata
from urllib.parse import quote

import brotli
from flask import Blueprint, Response, current_app, jsonify, render_template, request, send_file
from flask_login import current_user, login_required

from annotations import versions
from annotations.permissions import can_moderate
from core.errors import AppError
from documents import service

bp = Blueprint("documents", __name__)

DEFAULT_IMAGE_WIDTH = 1024
READER_VIEWS = ("text", "pages")  # reading mode, the page view


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
    return jsonify(service.upload_summary(document)), 201


@bp.post("/api/documents/<int:document_id>/replace")
@login_required
def api_replace(document_id: int):
    filename, data = _uploaded_file()
    document = versions.replace_document(
        current_user, document_id, filename, data, request.form.get("title"), _runtime()
    )
    return jsonify(service.upload_summary(document)), 201


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
    """All paragraphs; `?page=N` the layout of those on one page (no text), `?ids=1,2` those named:
    the reader asks for each page's layout, and for the text of the few that comments point at."""
    page = _int_arg("page")
    ids = _id_list(request.args.get("ids"))
    found = service.paragraphs(current_user, document_id, page=page, ids=ids)
    response = jsonify([p.to_layout() if page is not None else p.to_dict() for p in found])
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
    return _stored_response(service.page_view(current_user, document_id, number, _runtime()))


@bp.get("/api/documents/<int:document_id>/glyphs/<int:block>")
@login_required
def api_glyph_sheet(document_id: int, block: int):
    return _stored_response(service.glyph_sheet(current_user, document_id, block, _runtime()))


def content_disposition(filename: str) -> str:
    """Shown in the browser, saved under its own name (RFC 6266, UTF-8 names as RFC 5987)."""
    plain = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    plain = "".join(c if c.isalnum() or c in "-_." else "-" for c in plain) or "tai-lieu.pdf"
    return f"inline; filename=\"{plain}\"; filename*=UTF-8''{quote(filename)}"


@bp.get("/api/documents/<int:document_id>/file")
@login_required
def api_file(document_id: int):
    path, filename = service.original_file(current_user, document_id, _runtime())
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
    rendered = service.page_image(current_user, document_id, number, width, fmt, _runtime())
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
    if rendered.mimetype == "image/svg+xml":
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
        )
    return response


def page_runs(pages: list[dict]) -> list[list]:
    """Pages as runs of one size, `[count, width, height, rotation, scanned]`: the reader's HTML stays
    the same size for 12 pages or 500 (reader/skeleton.js expands them and builds each page's markup)."""
    runs: list[list] = []
    for page in pages:
        shape = [page["width"], page["height"], page["rotation"], page["scanned"]]
        if runs and runs[-1][1:] == shape:
            runs[-1][0] += 1
        else:
            runs.append([1, *shape])
    return runs


@bp.get("/documents/<int:document_id>")
@login_required
def reader_page(document_id: int):
    document = service.get_document(current_user, document_id)
    chosen = request.args.get("view") or request.cookies.get("reader_view")
    detail = service.document_detail(document)
    pages = detail.pop("pages")
    return render_template(
        "documents/reader.html",
        view_choice=chosen if chosen in READER_VIEWS else None,
        document={**detail, "page_runs": page_runs(pages)},
        first_page=pages[0] if pages else None,
        reader_constants=service.READER_CONSTANTS,
        meeting=document.meeting,
        agenda_item=document.agenda_item,
        can_moderate=can_moderate(current_user, document.meeting),
    )
