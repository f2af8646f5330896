"""Demo data for `flask demo`: the secretary has already written the chair's conclusion on item 1."""

from meetings.models import Meeting
from minutes.drafting import write
from minutes.schemas import MinutesEdit

DEMO_CONCLUSION = (
    "Chủ tọa kết luận: Hội đồng nhân dân xã thống nhất với báo cáo; đề nghị Ủy ban nhân dân xã tiếp thu "
    "ý kiến đại biểu, hoàn thiện số liệu trước khi trình biểu quyết."
)


def add_demo_minutes(secretary, meeting: Meeting) -> None:
    if not meeting.agenda_items:
        return
    key = f"item-{meeting.agenda_items[0].id}"
    write(
        secretary,
        meeting.id,
        key,
        MinutesEdit(text=DEMO_CONCLUSION),
        "",
        "",
    )
