"""Who may do what in a meeting: the one place both HTTP and Socket.IO adapters ask.

The meeting roles' rules: who sees it, manages it, moderates its comments and exports it. Each
reads the caller's standing, worked out once per request or event (meetings.access). What an
annotation's own visibility adds on top is annotations.permissions.
"""

from accounts.models import User
from core.errors import AppError, forbidden
from meetings.access import MODERATORS, MeetingAccess, access_to, guest_ids, moderator_ids
from meetings.models import Meeting, Role

__all__ = [
    "MODERATORS",
    "MeetingAccess",
    "access_to",
    "can_export",
    "can_manage",
    "can_moderate",
    "can_see",
    "guest_ids",
    "is_guest",
    "moderator_ids",
    "require_exporter",
    "require_manager",
    "require_moderator",
    "require_visible",
    "role_of",
]


def role_of(meeting: Meeting, user: User) -> Role | None:
    return access_to(meeting, user).role


def can_see(meeting: Meeting, user: User) -> bool:
    return access_to(meeting, user).sees


def can_manage(meeting: Meeting, user: User) -> bool:
    return access_to(meeting, user).manages


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


def is_guest(user: User, meeting: Meeting) -> bool:
    """A guest (khách mời): never counted, never votes, and shares nothing but answers."""
    return access_to(meeting, user).guest


def can_moderate(user: User, meeting: Meeting) -> bool:
    """Hide and unhide shared comments; read hidden comments' text."""
    return access_to(meeting, user).moderates


def can_export(user: User, meeting: Meeting) -> bool:
    """The digest and every export."""
    return access_to(meeting, user).exports


def require_exporter(meeting: Meeting | None, user: User, code: str = "meeting_not_found") -> Meeting:
    require_visible(meeting, user, code)
    if not can_export(user, meeting):
        raise forbidden()
    return meeting


def require_moderator(user: User, meeting: Meeting) -> None:
    if not can_moderate(user, meeting):
        raise forbidden()
