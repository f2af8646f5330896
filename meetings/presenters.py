"""Meetings as JSON: the one place a meeting, its members and its agenda are shaped for clients.

A meeting with its documents is shaped above documents (composition.presenters), on top of these.
"""

from councils.presenters import council_json
from meetings.models import Meeting, Role
from meetings.permissions import role_of


def meeting_summary(meeting: Meeting, user, role: Role | None = None) -> dict:
    """The meeting as `user`'s list shows it, with their role in it."""
    role = role or role_of(meeting, user)
    chairs = meeting.members_with_role(Role.CHAIR)
    return {
        "id": meeting.id,
        "title": meeting.title,
        "starts_at": meeting.starts_at.isoformat(),
        "location": meeting.location,
        "status": meeting.status,
        "role": role.value if role else None,
        "chair": chairs[0].display_name if chairs else None,
        "council": council_json(meeting.council) if meeting.council else None,
    }


def member_json(membership) -> dict:
    """A member as the meeting's managers see them."""
    user = membership.user
    return {
        "user_id": membership.user_id,
        "username": user.username,
        "full_name": user.full_name,
        "role": membership.role,
    }


def seat_json(membership) -> dict:
    return {"user_id": membership.user_id, "role": membership.role}


def invited_json(memberships) -> dict:
    return {"added": [membership.user_id for membership in memberships]}


def agenda_item_json(item) -> dict:
    return {"id": item.id, "position": item.position, "title": item.title}
