"""Who runs a sitting, who is counted and who votes: the one place HTTP and Socket.IO ask.

The total (tổng số đại biểu) is the council's roster: its serving delegates. Officers (staff who
upload the papers) and guests (khách mời) are never counted and never vote. A meeting of no
council counts its own delegates and chair.
"""

from sqlalchemy import exists, func, select

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


def _entitled(meeting: Meeting):
    """The user ids of the delegates counted in the total and entitled to vote, as a query."""
    if meeting.council_id is not None:
        return select(CouncilMember.user_id).where(CouncilMember.council_id == meeting.council_id)
    return select(Membership.user_id).where(
        Membership.meeting_id == meeting.id, Membership.role.in_((Role.DELEGATE, Role.CHAIR))
    )


def entitled_ids(meeting: Meeting) -> list[int]:
    """The delegates counted in the total and entitled to vote, in a stable order."""
    return sorted(db.session.scalars(_entitled(meeting)))


def entitled_count(meeting: Meeting) -> int:
    return db.session.scalar(select(func.count()).select_from(_entitled(meeting).subquery())) or 0


def is_entitled(meeting: Meeting, user_or_id: User | int) -> bool:
    user_id = user_or_id if isinstance(user_or_id, int) else user_or_id.id
    query = _entitled(meeting).where(
        (CouncilMember.user_id if meeting.council_id is not None else Membership.user_id) == user_id
    )
    return bool(db.session.scalar(select(exists(query))))
