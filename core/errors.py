"""One error type for everything a client can get wrong, rendered as JSON, HTML or a socket ack.

Services raise `AppError(code)`; the adapters turn it into `{"error", "message"}` with the
message in the user's language. Codes are stable: clients branch on them, never on messages.
"""

from flask import jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    # HTTP-level
    "bad_request": _l("Yêu cầu không hợp lệ."),
    "invalid_json": _l("Dữ liệu gửi lên không phải JSON hợp lệ."),
    "unauthorized": _l("Bạn cần đăng nhập để tiếp tục."),
    "forbidden": _l("Bạn không có quyền thực hiện thao tác này."),
    "not_found": _l("Không tìm thấy nội dung yêu cầu."),
    "method_not_allowed": _l("Thao tác này không được hỗ trợ tại địa chỉ này."),
    "request_too_large": _l("Tệp gửi lên quá lớn (tối đa %(limit_mb)s MB)."),
    "conflict": _l("Dữ liệu đã thay đổi, vui lòng tải lại trang."),
    "cross_site_request": _l("Yêu cầu bị từ chối vì không xuất phát từ trang của Phòng họp không giấy."),
    "internal_error": _l("Máy chủ gặp sự cố. Vui lòng thử lại sau ít phút."),
    "validation_error": _l("Dữ liệu không hợp lệ: %(detail)s"),
    "rate_limited": _l("Bạn thử quá nhiều lần. Vui lòng đợi một lát rồi thử lại."),
    "request_timeout": _l("Mạng quá chậm, dữ liệu gửi lên chưa tới đủ. Vui lòng gửi lại."),
    "server_busy": _l("Máy chủ đang bận. Vui lòng thử lại sau %(retry_after_s)s giây."),
    # Accounts
    "invalid_credentials": _l("Tên đăng nhập hoặc mật khẩu không đúng."),
    "username_taken": _l("Tên đăng nhập “%(username)s” đã có người dùng."),
    "user_not_found": _l("Không có người dùng “%(username)s”."),
    "wrong_old_password": _l("Mật khẩu hiện tại không đúng."),
    "cannot_disable_self": _l("Bạn không thể tự khóa tài khoản của chính mình."),
    "roster_unreadable": _l(
        "Không đọc được danh sách đại biểu. Hãy dùng tệp CSV (UTF-8) hoặc Excel (.xlsx)."
    ),
    # Councils
    "council_not_found": _l("Không tìm thấy hội đồng nhân dân này."),
    "council_taken": _l("Đã có hội đồng “%(name)s”."),
    "officer_not_found": _l("Người này không phải cán bộ văn phòng của hội đồng."),
    "roster_member_not_found": _l("Người này không có trong danh sách đại biểu của hội đồng."),
    "not_on_council_roster": _l(
        "“%(username)s” chưa có trong danh sách đại biểu của %(council)s. "
        "Hãy thêm vào danh sách của hội đồng trước khi mời dự kỳ họp."
    ),
    "council_required": _l(
        "Kỳ họp này chưa chọn hội đồng, nên báo cáo không có cơ quan ban hành. "
        "Hãy chọn hội đồng của kỳ họp rồi xuất lại."
    ),
    "meeting_council_fixed": _l("Kỳ họp này đã thuộc một hội đồng; không đổi sang hội đồng khác được."),
    "meeting_has_no_council": _l(
        "Kỳ họp này không thuộc hội đồng nào, nên không có danh sách đại biểu để mời."
    ),
    # Meetings
    "meeting_not_found": _l("Không tìm thấy kỳ họp."),
    "convene_not_allowed": _l(
        "Tài khoản của bạn chưa được phép tạo kỳ họp. Hãy đề nghị quản trị viên cấp quyền."
    ),
    "agenda_item_not_found": _l("Không tìm thấy nội dung chương trình."),
    "member_not_found": _l("Người này không phải thành viên của kỳ họp."),
    "invalid_role": _l("Vai trò phải là thư ký, chủ tọa hoặc đại biểu."),
    "agenda_item_not_empty": _l("Hãy rút các tài liệu của nội dung này trước khi xóa nó khỏi chương trình."),
    "agenda_order_mismatch": _l("Danh sách sắp xếp phải gồm đúng các nội dung của chương trình."),
    # Documents
    "document_not_found": _l("Không tìm thấy tài liệu."),
    "page_not_found": _l("Tài liệu không có trang %(page)s."),
    "file_missing": _l("Chưa chọn tệp để tải lên (trường “file”)."),
    "file_empty": _l("Tệp tải lên rỗng."),
    "file_too_large": _l("Tệp quá lớn: giới hạn là %(limit_mb)s MB."),
    "not_a_pdf": _l("Tệp này không phải là PDF. Hãy xuất tài liệu ra PDF rồi tải lên lại."),
    "pdf_encrypted": _l("Tệp PDF được bảo vệ bằng mật khẩu. Hãy gỡ mật khẩu rồi tải lên lại."),
    "pdf_damaged": _l("Tệp PDF bị hỏng hoặc không đầy đủ. Hãy xuất lại tệp từ bản gốc."),
    "pdf_active_content": _l(
        "Tệp PDF có chứa mã tự chạy (%(element)s), không được phép tải lên vì lý do an toàn. "
        "Hãy xuất lại tệp từ bản gốc rồi tải lên lại."
    ),
    "pdf_too_complex": _l(
        "Tệp PDF quá phức tạp để hiển thị an toàn (nội dung lồng nhau quá sâu hoặc quá lớn). "
        "Hãy xuất lại tệp từ bản gốc rồi tải lên lại."
    ),
    "too_many_pages": _l("Tài liệu có quá nhiều trang (tối đa %(limit)s trang)."),
    "page_too_large": _l("Trang %(page)s quá khổ (mỗi cạnh tối đa %(limit_pt)s pt)."),
    "render_timeout": _l("Trang này cần quá nhiều thời gian để hiển thị. Vui lòng thử lại sau."),
    "worker_crashed": _l("Không xử lý được tệp PDF này."),
    "document_withdrawn": _l("Tài liệu đã được rút khỏi kỳ họp."),
    "document_replaced": _l(
        "Tài liệu này đã được thay bằng phiên bản mới (bản %(version)s). Ý kiến, ghi chú của bạn "
        "chưa được lưu: hãy mở bản %(version)s để tiếp tục góp ý."
    ),
    "too_many_uploads": _l(
        "Bạn đang có %(limit)s tệp đang được xử lý. Hãy đợi các tệp đó xong rồi tải lên tiếp."
    ),
    # Annotations
    "annotation_not_found": _l("Không tìm thấy ghi chú hoặc ý kiến này."),
    "not_your_annotation": _l("Bạn chỉ có thể sửa hoặc xóa ghi chú, ý kiến của chính mình."),
    "paragraph_not_found": _l("Đoạn văn này không thuộc tài liệu."),
    "outside_page": _l("Vị trí nằm ngoài trang %(page)s của tài liệu."),
    "reply_target_invalid": _l("Chỉ có thể trả lời một ý kiến còn hiển thị, cùng tài liệu và cùng đoạn."),
    "annotation_already_shared": _l(
        "Ghi chú đã chia sẻ không thể chuyển về riêng tư; hãy xóa nếu không muốn người khác xem."
    ),
    "only_comments_hidden": _l("Chỉ có thể ẩn ý kiến góp ý đã chia sẻ."),
    "guest_cannot_share": _l(
        "Khách mời chỉ ghi chú riêng cho mình và trả lời ý kiến đại biểu; không thể mở ý kiến mới "
        "hay chia sẻ đánh dấu, ghi chú với mọi người."
    ),
    "reply_stays_private": _l(
        "Trả lời trong một ý kiến riêng tư phải giữ riêng tư; hãy chia sẻ ý kiến gốc trước."
    ),
    "op_id_reused": _l("Mã thao tác (op_id) này đã được dùng cho một thao tác khác; hãy tạo mã mới."),
    "document_not_joined": _l("Hãy mở tài liệu trước khi cập nhật vị trí đọc."),
    # Digest and exports
    "digest_filter_outside_meeting": _l("Bộ lọc “%(name)s” không thuộc kỳ họp này."),
    "export_failed": _l("Không tạo được tệp xuất. Vui lòng thử lại sau ít phút."),
    # Minutes
    "minutes_paragraph_not_found": _l("Biên bản không có đoạn này."),
    "minutes_final": _l("Biên bản đã được chủ tọa chốt; chỉ chủ tọa sửa được, kèm lý do."),
    "minutes_reason_required": _l("Biên bản đã chốt: hãy ghi lý do sửa đổi."),
    "minutes_sitting_open": _l("Phiên họp chưa bế mạc: chủ tọa bế mạc phiên họp rồi mới chốt biên bản."),
}


# Parameters a client acts on, sent beside the message (e.g. which version to open instead).
EXPOSED_PARAMS = {"document_replaced": ("replaced_by", "version")}


class AppError(Exception):
    """A refusal the client caused; `code` is stable, `params` fill the message."""

    def __init__(self, code: str, status: int = 400, **params):
        super().__init__(code)
        self.code = code
        self.status = status
        self.params = params

    def message(self) -> str:
        template = MESSAGES.get(self.code)
        if template is None:
            return self.code
        return str(template) % self.params if self.params else str(template)

    def as_dict(self) -> dict:
        shown = {key: self.params[key] for key in EXPOSED_PARAMS.get(self.code, ()) if key in self.params}
        return {"error": self.code, "message": self.message(), **shown}


def not_found(code: str = "not_found") -> AppError:
    return AppError(code, 404)


def forbidden() -> AppError:
    return AppError("forbidden", 403)


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    409: "conflict",
    413: "request_too_large",
    429: "rate_limited",
}


def _wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json"


def _respond(error: AppError):
    # A refusal that says when to come back (`retry_after_s`) says it to HTTP clients too.
    headers = {"Retry-After": str(error.params["retry_after_s"])} if "retry_after_s" in error.params else {}
    if _wants_json():
        return jsonify(error.as_dict()), error.status, headers
    return render_template("errors/error.html", error=error), error.status, headers


def register_error_handlers(app) -> None:
    @app.errorhandler(AppError)
    def handle_app_error(error: AppError):
        return _respond(error)

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        code = _HTTP_CODES.get(error.code, "bad_request")
        params = {"limit_mb": app.config["MAX_UPLOAD_MB"]} if error.code == 413 else {}
        status = error.code if error.code and error.code < 500 else 500
        return _respond(AppError(code, status, **params))

    @app.errorhandler(OperationalError)
    def handle_database_busy(error: OperationalError):
        if not database_busy(error):
            return handle_unexpected(error)
        return handle_pool_timeout(error)

    @app.errorhandler(SQLAlchemyTimeoutError)
    def handle_pool_timeout(_error):
        app.logger.warning("No database connection free for %s %s", request.method, request.path)
        # JSON even for pages: an HTML page would ask for the user, and so for a connection.
        response = jsonify(AppError("server_busy", 503, retry_after_s=5).as_dict())
        response.status_code = 503
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return _respond(AppError("internal_error", 500))


def database_busy(error: BaseException) -> bool:
    """No connection free, or SQLite still locked by another process after the cooperative
    retries (core/sqlite_writes.py): a moment's overload the client may retry, not a fault."""
    from core.sqlite_writes import is_busy

    if isinstance(error, SQLAlchemyTimeoutError):
        return True
    return isinstance(error, OperationalError) and is_busy(error.orig)


def ack_error(error: AppError) -> dict:
    """The Socket.IO ack for a refused event; the connection stays up."""
    return {"ok": False, **error.as_dict()}
