"""Who may do what in a meeting: the one place both HTTP and Socket.IO adapters ask.

The meeting roles' rules: who sees it, manages it, moderates its comments and exports it.
What an annotation's own visibility adds on top is annotations.permissions.
"""

from sqlalchemy import select

from accounts.models import User
from core.errors import AppError, forbidden
from core.extensions import db
from councils.permissions import belongs_to, runs_council
from meetings.models import Meeting, Membership, Role


def role_of(meeting: Meeting, user: User) -> Role | None:
    role = db.session.scalar(
        select(Membership.role).where(Membership.meeting_id == meeting.id, Membership.user_id == user.id)
    )
    return Role(role) if role else None


def can_see(meeting: Meeting, user: User) -> bool:
    """Members see a meeting once published; its secretaries, its council's officers (and
    admins) see the draft too. A council's meeting is only for those who belong to the council:
    taken off its roster, a delegate no longer sees its meetings."""
    if user.is_admin or runs_council(user, meeting.council_id):
        return True
    role = role_of(meeting, user)
    if role is None or not belongs_to(user, meeting.council_id):
        return False
    return meeting.is_published or role == Role.SECRETARY


def can_manage(meeting: Meeting, user: User) -> bool:
    if user.is_admin or runs_council(user, meeting.council_id):
        return True
    return role_of(meeting, user) == Role.SECRETARY and belongs_to(user, meeting.council_id)


def require_visible(meeting: Meeting | None, user: User, code: str = "meeting_not_found") -> Meeting:
    """Unknown and invisible look the same, so ids of other councils' meetings leak nothing."""
    if meeting is None or not can_see(meeting, user):
        raise AppError(code, 404)
    return meeting


def require_manager(meeting: Meeting | None, user: User, code: str = "meeting_not_found") -> Meeting:
    require_visible(meeting, user, code)
    if not can_manage(meeting, user):
        raise forbidden()
    return meeting


# The chair and the secretaries moderate and export; admins too.
MODERATORS = (Role.CHAIR, Role.SECRETARY)


def can_moderate(user: User, meeting: Meeting) -> bool:
    """Hide and unhide shared comments; read hidden comments' text."""
    return user.is_admin or role_of(meeting, user) in MODERATORS


def can_export(user: User, meeting: Meeting) -> bool:
    """The digest and every export; today the same people who moderate, decided separately."""
    return user.is_admin or role_of(meeting, user) in MODERATORS


def require_exporter(meeting: Meeting | None, user: User, code: str = "meeting_not_found") -> Meeting:
    require_visible(meeting, user, code)
    if not can_export(user, meeting):
        raise forbidden()
    return meeting


def require_moderator(user: User, meeting: Meeting) -> None:
    if not can_moderate(user, meeting):
        raise forbidden()
