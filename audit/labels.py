"""What each audit action is called on the audit pages."""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "login": _l("Đăng nhập"),
    "login_failed": _l("Đăng nhập không thành công"),
    "logout": _l("Đăng xuất"),
    "password_changed": _l("Đã đổi mật khẩu"),
    "password_change_failed": _l("Đổi mật khẩu không thành công"),
    "user_created": _l("Tạo tài khoản"),
    "user_disabled": _l("Đã khóa tài khoản"),
    "user_enabled": _l("Đã mở khóa tài khoản"),
    "convene_changed": _l("Đổi quyền tạo kỳ họp"),
    "meeting_created": _l("Tạo kỳ họp"),
    "meeting_published": _l("Phát hành kỳ họp"),
    "member_added": _l("Thêm thành viên"),
    "member_role_changed": _l("Đổi vai trò thành viên"),
    "member_removed": _l("Bỏ thành viên"),
    "document_uploaded": _l("Tải lên tài liệu"),
    "document_replaced": _l("Thay tài liệu"),
    "document_withdrawn": _l("Rút tài liệu"),
    "comment_hidden": _l("Ẩn ý kiến"),
    "comment_shown": _l("Hiện lại ý kiến"),
    "exported": _l("Xuất tệp"),
    "roster_added": _l("Thêm vào danh sách đại biểu hội đồng"),
    "roster_removed": _l("Đưa ra khỏi danh sách đại biểu hội đồng"),
    "council_created": _l("Tạo hội đồng"),
    "officer_added": _l("Giao cán bộ văn phòng cho hội đồng"),
    "officer_removed": _l("Thôi giao cán bộ văn phòng cho hội đồng"),
    "minutes_edited": _l("Sửa biên bản"),
    "minutes_finalised": _l("Chốt biên bản"),
    "minutes_published": _l("Đưa dự thảo biên bản cho đại biểu góp ý"),
}


# What each detail of an event is called, and what its coded values mean, so the page shows no raw keys.
DETAIL_LABELS = {
    "user_id": _l("Mã người dùng"),
    "username": _l("Tên đăng nhập"),
    "can_convene": _l("Được tạo kỳ họp"),
    "via": _l("Qua"),
    "reason": _l("Lý do"),
    "annotation_id": _l("Mã ý kiến"),
    "council_id": _l("Mã hội đồng"),
    "role": _l("Vai trò"),
    "previous": _l("Trước đó"),
    "title": _l("Tiêu đề"),
    "filename": _l("Tên tệp"),
    "sha256": _l("Mã kiểm tra tệp"),
    "replaces_id": _l("Thay cho tài liệu"),
    "export": _l("Tệp xuất"),
    "meeting_id": _l("Mã kỳ họp"),
    "count": _l("Số lần"),
}
VALUE_LABELS = {
    "unknown_user": _l("không có tài khoản này"),
    "wrong_password": _l("sai mật khẩu"),
    "disabled": _l("tài khoản đã bị khóa"),
    "form": _l("trang đăng nhập"),
    "api": _l("ứng dụng (API)"),
    "token": _l("mã truy cập"),
    "secretary": _l("Thư ký"),
    "chair": _l("Chủ tọa"),
    "delegate": _l("Đại biểu"),
    "guest": _l("Khách mời"),
    "digest.pdf": _l("Tổng hợp ý kiến (PDF)"),
    "digest.docx": _l("Tổng hợp ý kiến (Word)"),
    "digest.csv": _l("Tổng hợp ý kiến (bảng tính CSV)"),
    "annotated.pdf": _l("Tài liệu kèm ghi chú (PDF)"),
    "annotations.jsonld": _l("Dữ liệu ghi chú cho phần mềm khác"),
    True: _l("có"),
    False: _l("không"),
}


def _readable(key: str) -> str:
    """A key nobody has named yet still reads as words, not as `snake_case`."""
    return key.replace("_", " ").capitalize()


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else _readable(action)


def detail_label(key: str) -> str:
    label = DETAIL_LABELS.get(key)
    return str(label) if label is not None else _readable(key)


def value_label(value) -> str:
    try:
        label = VALUE_LABELS.get(value)
    except TypeError:  # a list or a dict in the detail
        label = None
    return str(label) if label is not None else str(value)
