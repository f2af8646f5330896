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


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action
