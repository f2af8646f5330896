"""What the floor's audit actions are called on the audit pages, added to audit's table."""

from flask_babel import lazy_gettext as _l

from audit.labels import ACTION_LABELS

ACTION_LABELS.update(
    {
        "speaker_registered": _l("Đăng ký phát biểu"),
        "speaker_withdrawn": _l("Rút đăng ký phát biểu"),
        "speakers_reordered": _l("Sắp xếp danh sách phát biểu"),
        "floor_given": _l("Mời phát biểu"),
        "floor_phase": _l("Chuyển lượt chất vấn"),
        "floor_ended": _l("Kết thúc phát biểu"),
        "floor_item": _l("Chuyển nội dung chương trình"),
        "floor_projected": _l("Chiếu tài liệu lên màn hình"),
        "answer_noted": _l("Ghi chú trả lời chất vấn"),
        "commitment_recorded": _l("Ghi cam kết"),
        "commitment_closed": _l("Cam kết đã báo cáo"),
    }
)
