"""Who may do what on the floor: the one place HTTP (and any later socket handler) asks.

The meeting's access is looked up once per call (`Access`); the predicates only read it.
"""

from dataclasses import dataclass

from accounts.models import User
from core.errors import AppError, forbidden
from councils.permissions import runs_council
from meetings.models import Meeting, Role
from meetings.permissions import can_manage, require_visible, role_of


@dataclass(frozen=True)
class Access:
    meeting: Meeting
    role: Role | None
    manager: bool

    @property
    def runs_floor(self) -> bool:
        """The chair gives the floor; the secretary (or an officer) may run the console for them."""
        return self.manager or self.role == Role.CHAIR

    @property
    def may_speak(self) -> bool:
        """Delegates (the chair among them) ask for the floor; staff and guests do not."""
        return self.role in (Role.DELEGATE, Role.CHAIR)


def access(meeting: Meeting | None, user: User) -> Access:
    """Unknown and invisible meetings look the same (404), as everywhere else."""
    meeting = require_visible(meeting, user)
    return Access(meeting, role_of(meeting, user), can_manage(meeting, user))


def require_runner(meeting: Meeting | None, user: User) -> Access:
    found = access(meeting, user)
    if not found.runs_floor:
        raise forbidden()
    return found


def require_speaker(meeting: Meeting | None, user: User) -> Access:
    found = access(meeting, user)
    if not found.may_speak:
        raise AppError("floor_not_a_delegate", 403)
    return found


def require_note_taker(meeting: Meeting | None, user: User) -> Access:
    """The secretary notes answers and commitments (cam kết); the chair may too."""
    return require_runner(meeting, user)


def require_council_office(user: User, council_id: int) -> None:
    """A council's open commitments are its office's to follow; to anyone else it does not exist."""
    if not runs_council(user, council_id):
        raise AppError("council_not_found", 404)
