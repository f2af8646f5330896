"""The sitting as one JSON object: for a page that loads or a screen that reconnects."""

from accounts.models import User
from meetings.permissions import can_manage
from meetings.service import get_meeting
from sittings import polls, service
from sittings.permissions import can_run, is_entitled


def sitting_state(user: User, meeting_id: int) -> dict:
    """The current (or last) sitting, its attendance and the meeting's polls."""
    meeting = get_meeting(user, meeting_id)
    sitting = service.open_sitting_of(meeting.id) or service.latest_sitting_of(meeting.id)
    runner = can_run(meeting, user)
    state = {
        "meeting_id": meeting.id,
        "can_run": runner,
        "can_manage": can_manage(meeting, user),
        "entitled": is_entitled(meeting, user),
        "sitting": None,
        "attendance": None,
        "polls": [polls.poll_detail(poll, meeting, user) for poll in polls.meeting_polls(meeting)],
    }
    if sitting is not None:
        state["sitting"] = {
            "id": sitting.id,
            "open": sitting.is_open,
            "opened_at": sitting.opened_at.isoformat(),
            "closed_at": sitting.closed_at.isoformat() if sitting.closed_at else None,
        }
        summary = service.attendance_summary(sitting, meeting, people=runner)
        mark = service.attendance_of(sitting.id, user.id)
        summary["me"] = mark.status if mark is not None else None  # the phone's own mark
        state["attendance"] = summary
    return state
