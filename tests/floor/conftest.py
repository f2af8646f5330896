"""A published meeting with a chair, two delegates, a guest to question and its staff."""

from dataclasses import dataclass

import pytest

from core.transactions import unit_of_work


@dataclass
class Hall:
    meeting: object
    items: list
    users: dict


@pytest.fixture
def hall(app, create_user, create_meeting):
    from meetings import service
    from meetings.schemas import NewMember

    users = {
        "secretary": create_user("thuky", full_name="Lê Thị Thư Ký"),
        "chair": create_user("chutoa", full_name="Nguyễn Văn Chủ Tọa"),
        "delegate": create_user("daibieu1", full_name="Trần Thị Đại Biểu"),
        "delegate2": create_user("daibieu2", full_name="Phạm Văn Hai"),
        "guest": create_user("khachmoi", full_name="Hoàng Văn Chủ Tịch UBND"),
        "outsider": create_user("nguoingoai"),
    }
    meeting = create_meeting(
        users["secretary"],
        chair=users["chair"],
        delegates=[users["delegate"], users["delegate2"]],
        agenda=("Báo cáo kinh tế - xã hội", "Dự toán ngân sách", "Chất vấn"),
    )

    @unit_of_work
    def invite_guest():
        service.add_member(users["secretary"], meeting.id, NewMember(username="khachmoi", role="guest"))

    invite_guest()
    return Hall(meeting, list(meeting.agenda_items), users)
