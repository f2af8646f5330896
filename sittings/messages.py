"""The sitting's refusals, in Vietnamese first (English in translations/), by stable code."""

from flask_babel import lazy_gettext as _l

from core.errors import MESSAGES

MESSAGES.update(
    {
        "sitting_not_found": _l("Không tìm thấy phiên họp."),
        "sitting_already_open": _l("Kỳ họp đang có một phiên họp chưa bế mạc."),
        "sitting_closed": _l("Phiên họp đã bế mạc."),
        "sitting_not_open": _l("Chưa khai mạc phiên họp nào; hãy khai mạc phiên họp trước."),
        "poll_still_open": _l("Còn biểu quyết đang mở; hãy kết thúc biểu quyết trước khi bế mạc phiên họp."),
        "checkin_code_invalid": _l(
            "Mã điểm danh không đúng hoặc đã hết hạn. Hãy nhập mã đang hiện trên màn hình hội trường."
        ),
        "not_entitled": _l("Chỉ đại biểu Hội đồng nhân dân mới được điểm danh và biểu quyết."),
        "not_present": _l("Bạn chưa điểm danh có mặt trong phiên họp này."),
        "poll_not_found": _l("Không tìm thấy nội dung biểu quyết."),
        "poll_not_open": _l("Biểu quyết chưa mở hoặc đã kết thúc."),
        "poll_not_draft": _l("Biểu quyết này đã được mở trước đó."),
        "poll_not_manual": _l("Chỉ nhập kết quả của ban kiểm phiếu cho biểu quyết bằng phiếu kín."),
        "poll_is_manual": _l("Biểu quyết bằng phiếu kín được nhập kết quả từ ban kiểm phiếu."),
        "already_voted": _l("Bạn đã biểu quyết nội dung này; không thể biểu quyết lần nữa."),
        "ballot_id_reused": _l("Mã phiếu này đã được dùng; hãy tạo mã mới."),
        "board_totals_inconsistent": _l(
            "Tổng số phiếu tán thành, không tán thành và không biểu quyết vượt số đại biểu."
        ),
        "document_outside_meeting": _l("Tài liệu hoặc nội dung chương trình không thuộc kỳ họp này."),
    }
)
