"""Who may draft, download, edit and finalise the minutes: the one place HTTP and sockets ask.

The chair and the secretaries of the meeting, the council's officers (staff who run its meetings)
and admins work on the minutes, as they export the digest; delegates read them once published to
the meeting as a document, through the documents' own permissions. The chair alone finalises.
"""

from accounts.models import User
from core.errors import forbidden
from meetings.models import Meeting, Role
from meetings.permissions import can_export, require_visible, role_of


def can_draft(user: User, meeting: Meeting) -> bool:
    """Download and edit the draft minutes (PDF, DOCX): whoever exports the meeting's papers."""
    return can_export(user, meeting)


def require_drafter(meeting: Meeting | None, user: User) -> Meeting:
    """Unknown and invisible meetings look the same (404); members who may not draft get 403."""
    require_visible(meeting, user, "meeting_not_found")
    if not can_draft(user, meeting):
        raise forbidden()
    return meeting


def can_finalise(user: User, meeting: Meeting) -> bool:
    """Lock the minutes, and change them once locked: the chair (Mẫu 1.9: the chair signs)."""
    return user.is_admin or role_of(meeting, user) == Role.CHAIR
