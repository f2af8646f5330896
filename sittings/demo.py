"""`flask demo`'s sitting in progress: attendance taken, one poll closed and one open."""

import uuid

from accounts.models import User
from meetings.models import Meeting
from sittings import checkin, polls, service
from sittings.schemas import AttendanceMark, NewPoll


def add_demo_sitting(secretary: User, chair: User, meeting: Meeting, delegates: list[User]) -> None:
    """The chair opened the morning sitting; most delegates checked in with the hall code, one is
    away with a reason; the first resolution passed and the second is being voted on."""
    sitting = service.open_sitting(chair, meeting.id)
    code, _ = checkin.current(sitting.id)
    for person in (chair, *delegates[:3]):
        service.check_in(person, sitting.id, code)
    service.mark_attendance(
        secretary, sitting.id, delegates[-1].id, AttendanceMark(status="absent", reason="co_ly_do")
    )
    items = meeting.agenda_items
    first = polls.create_poll(
        secretary,
        meeting.id,
        NewPoll(title="Thông qua chương trình kỳ họp", agenda_item_id=items[0].id if items else None),
    )
    polls.open_poll(chair, first.id)
    for person in (chair, *delegates[:3]):
        polls.cast_ballot(person, first.id, uuid.uuid4().hex, "for")
    polls.close_poll(chair, first.id)
    second = polls.create_poll(
        secretary,
        meeting.id,
        NewPoll(
            title="Dự thảo Nghị quyết về chuyển đổi số",
            agenda_item_id=items[-1].id if items else None,
        ),
    )
    polls.open_poll(chair, second.id)
    polls.cast_ballot(delegates[0], second.id, uuid.uuid4().hex, "for")
