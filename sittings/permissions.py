"""Who runs a sitting, who is counted and who votes: the one place HTTP and Socket.IO ask.

The total (tổng số đại biểu) is the council's roster: its serving delegates. Officers (staff who
upload the papers) and guests (khách mời) are never counted and never vote. A meeting of no
council counts its own delegates and chair.
"""

from sqlalchemy import select

from accounts.models import User
from core.errors import forbidden
from core.extensions import db
from councils.models import CouncilMember
from meetings.models import Meeting, Membership, Role
from meetings.permissions import can_manage, role_of


def can_run(meeting: Meeting, user: User) -> bool:
    """Open and close sittings and polls, read the hall code: the chair, the secretary."""
    return can_manage(meeting, user) or role_of(meeting, user) == Role.CHAIR


def require_runner(meeting: Meeting, user: User) -> None:
    if not can_run(meeting, user):
        raise forbidden()


def require_secretary(meeting: Meeting, user: User) -> None:
    """Prepare polls, mark attendance, enter a board's totals: the secretary (and the office)."""
    if not can_manage(meeting, user):
        raise forbidden()


def entitled_ids(meeting: Meeting) -> list[int]:
    """The delegates counted in the total and entitled to vote, in a stable order."""
    if meeting.council_id is not None:
        return list(
            db.session.scalars(
                select(CouncilMember.user_id)
                .where(CouncilMember.council_id == meeting.council_id)
                .order_by(CouncilMember.user_id)
            )
        )
    return list(
        db.session.scalars(
            select(Membership.user_id)
            .where(Membership.meeting_id == meeting.id, Membership.role.in_((Role.DELEGATE, Role.CHAIR)))
            .order_by(Membership.user_id)
        )
    )


def is_entitled(meeting: Meeting, user: User) -> bool:
    return user.id in entitled_ids(meeting)
