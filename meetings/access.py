"""Who the caller is to one meeting, read once per request or live event; pure predicates over it.

Like h's principal: `access_to(meeting, user)` asks the database one question (the caller's role
in the meeting, whether they are an officer of its council, whether they are on its roster) and
every rule after that (see, manage, moderate, export) reads the answer without asking again.

The answer is kept on the database session, which is one per request and one per Socket.IO
event, and forgotten as soon as the session writes, commits or rolls back: a rule asked after a
change (a member added, the meeting published) reads the change.
"""

from dataclasses import dataclass, replace

from sqlalchemy import event, exists, select
from sqlalchemy.orm import Session

from accounts.models import User
from core.extensions import db
from councils.models import CouncilMember, CouncilOfficer
from meetings.models import Meeting, Membership, Role

# The chair and the secretaries moderate and export, with the council's officers and admins.
MODERATORS = (Role.CHAIR, Role.SECRETARY)
_CACHE = "meeting_access"


@dataclass(frozen=True)
class MeetingAccess:
    """One person's standing in one meeting."""

    meeting_id: int
    user_id: int
    admin: bool
    role: Role | None  # their role among the meeting's members, if they are one
    officer: bool  # an officer of the meeting's council: staff who run its meetings
    belongs: bool  # on the council's roster or one of its officers; any member of a council-less meeting
    published: bool

    @property
    def runs_council(self) -> bool:
        return self.admin or self.officer

    @property
    def sees(self) -> bool:
        """Members see a meeting once published; its secretaries, its council's officers (and
        admins) see the draft too. Taken off the council's roster, a delegate sees nothing of it.
        A guest (khách mời) is invited by name from outside the council: the published meeting only."""
        if self.runs_council:
            return True
        if self.role == Role.GUEST:
            return self.published
        if self.role is None or not self.belongs:
            return False
        return self.published or self.role == Role.SECRETARY

    @property
    def manages(self) -> bool:
        return self.runs_council or (self.role == Role.SECRETARY and self.belongs)

    @property
    def guest(self) -> bool:
        """A guest (khách mời) of the meeting, not also staff who run it: reads, keeps their own
        annotations private and answers delegates in their threads (annotations.permissions)."""
        return self.role == Role.GUEST and not self.runs_council

    @property
    def moderates(self) -> bool:
        """Hide and unhide shared comments, read hidden comments' text."""
        return self.runs_council or (self.role in MODERATORS and self.belongs)

    @property
    def exports(self) -> bool:
        """The digest and every export: today the same people who moderate, decided separately."""
        return self.runs_council or (self.role in MODERATORS and self.belongs)


def access_to(meeting: Meeting, user: User) -> MeetingAccess:
    """The caller's standing in `meeting`, asked of the database once per session until it writes."""
    key = (meeting.id, user.id)
    found = db.session.info.get(_CACHE, {}).get(key)
    if found is None:
        found = _read(meeting, user)  # may autoflush, which forgets what was kept: keep it after
        db.session.info.setdefault(_CACHE, {})[key] = found
    return replace(found, published=meeting.is_published)


def _read(meeting: Meeting, user: User) -> MeetingAccess:
    role = (
        select(Membership.role)
        .where(Membership.meeting_id == meeting.id, Membership.user_id == user.id)
        .scalar_subquery()
    )
    if meeting.council_id is None:
        found_role = db.session.scalar(select(role))
        officer, on_roster = False, True
    else:
        officer_q = exists().where(
            CouncilOfficer.council_id == meeting.council_id, CouncilOfficer.user_id == user.id
        )
        roster_q = exists().where(
            CouncilMember.council_id == meeting.council_id, CouncilMember.user_id == user.id
        )
        found_role, officer, on_roster = db.session.execute(select(role, officer_q, roster_q)).one()
    return MeetingAccess(
        meeting_id=meeting.id,
        user_id=user.id,
        admin=bool(user.is_admin),
        role=Role(found_role) if found_role else None,
        officer=bool(officer),
        belongs=bool(user.is_admin or officer or on_roster),
        published=meeting.is_published,
    )


def moderator_ids(meeting: Meeting) -> set[int]:
    """Everyone for whom `access_to(meeting, them).moderates` holds, in one query: who receives
    a hidden comment's text live, the same people the reader shows it to."""
    admins = select(User.id).where(User.is_admin.is_(True))
    members = select(Membership.user_id).where(
        Membership.meeting_id == meeting.id, Membership.role.in_([str(r) for r in MODERATORS])
    )
    council_id = meeting.council_id
    if council_id is None:
        return set(db.session.scalars(admins.union(members)))
    on_roster = exists().where(
        CouncilMember.council_id == council_id, CouncilMember.user_id == Membership.user_id
    )
    officers = select(CouncilOfficer.user_id).where(CouncilOfficer.council_id == council_id)
    # An officer who is also a member is counted as an officer: belonging needs no roster row then.
    return set(db.session.scalars(admins.union(members.where(on_roster), officers)))


def guest_ids(meeting: Meeting) -> set[int]:
    """Everyone for whom `access_to(meeting, them).guest` holds, in one query: whose words the
    reader, the digest and the minutes label "Khách mời" and leave out of the delegates' counts."""
    guests = select(Membership.user_id).join(User, User.id == Membership.user_id)
    guests = guests.where(
        Membership.meeting_id == meeting.id, Membership.role == str(Role.GUEST), User.is_admin.is_(False)
    )
    if meeting.council_id is not None:
        guests = guests.where(
            ~exists().where(
                CouncilOfficer.council_id == meeting.council_id, CouncilOfficer.user_id == Membership.user_id
            )
        )
    return set(db.session.scalars(guests))


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_access(session: Session, *_args) -> None:
    """A write may change anyone's standing: the next rule asks again."""
    session.info.pop(_CACHE, None)
