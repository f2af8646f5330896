"""The floor's refusals: stable codes and their Vietnamese messages, added to core's table."""

from flask_babel import lazy_gettext as _l

from core.errors import MESSAGES

MESSAGES.update(
    {
        "floor_not_a_delegate": _l("Chỉ đại biểu dự kỳ họp mới đăng ký phát biểu hoặc chất vấn."),
        "addressee_not_guest": _l(
            "“%(username)s” không phải khách mời của kỳ họp, nên không thể là người bị chất vấn."
        ),
        "already_in_queue": _l("Bạn đã đăng ký phát biểu ở nội dung này và đang chờ đến lượt."),
        "speaker_not_found": _l("Không tìm thấy lượt đăng ký phát biểu."),
        "speaker_not_waiting": _l("Lượt phát biểu này không còn chờ đến lượt."),
        "speaker_not_speaking": _l("Người này hiện không giữ quyền phát biểu."),
        "speaker_order_mismatch": _l(
            "Danh sách sắp xếp phải gồm đúng những người đang chờ phát biểu; hãy tải lại danh sách."
        ),
        "not_a_question": _l("Chỉ ghi trả lời và cam kết cho một câu hỏi chất vấn."),
        "commitment_not_found": _l("Không tìm thấy cam kết."),
    }
)
