"""Fill a MinutesRecord from what the app has recorded.

Today that is the meeting, its council and roster, its chair, secretary and guests, the agenda,
the documents with their versions and the delegates' written comments (the chair's digest).
Sittings, attendance, polls (sittings/) and speeches, questions and commitments (floor/) are
filled by the functions below named for them; until those packages are merged they add nothing.
"""

from datetime import datetime

from annotations.digest import Digest, DigestFilters, build_digest, gather
from meetings.models import Meeting, Role
from minutes.record import DocumentRecord, ItemRecord, MinutesRecord, Person


def assemble(
    meeting: Meeting,
    default_council: str,
    default_place: str,
    now: datetime,
    skip_items: frozenset = frozenset(),
) -> MinutesRecord:
    """The whole session's record, as of `now`; `skip_items`: the agenda item holding the draft
    minutes published for review, which is no part of what the session did."""
    digest = build_digest(gather(meeting, DigestFilters()), DigestFilters(), now)
    digest.items = [item for item in digest.items if item.id not in skip_items]
    council = meeting.council
    record = MinutesRecord(
        meeting_id=meeting.id,
        council=council.name if council else default_council,
        place=council.place if council else default_place,
        title=meeting.title,
        location=meeting.location,
        starts_at=meeting.starts_at,
        chair=_names(meeting, Role.CHAIR),
        secretary=_names(meeting, Role.SECRETARY),
        generated_at=now,
        roster_total=_roster_total(meeting),
        guests=[Person(u.display_name, _office(u)) for u in meeting.members_with_role(Role.GUEST)],
        items=_items(meeting, digest, skip_items),
        digest=digest,
    )
    add_sittings(record, meeting)
    add_floor(record, meeting)
    return record


def add_sittings(record: MinutesRecord, meeting: Meeting) -> None:
    """Sittings with their times and attendance, and each item's polls (sittings/): at merge."""


def add_floor(record: MinutesRecord, meeting: Meeting) -> None:
    """Each item's speeches, questions, answers and commitments (floor/): at merge."""


def _names(meeting: Meeting, role: Role) -> str:
    return ", ".join(user.display_name for user in meeting.members_with_role(role))


def _office(user) -> str:
    return ", ".join(part for part in (user.position, user.unit) if part)


def _roster_total(meeting: Meeting) -> int:
    if meeting.council is not None and meeting.council.roster:
        return len(meeting.council.roster)
    return len(meeting.members_with_role(Role.DELEGATE)) + len(meeting.members_with_role(Role.CHAIR))


def _items(meeting: Meeting, digest: Digest, skip_items: frozenset) -> list[ItemRecord]:
    written = {d.id: d for d in digest.documents()}
    items = []
    for item in meeting.agenda_items:
        if item.id in skip_items:
            continue
        documents = []
        for document in sorted(item.documents, key=lambda d: (d.position, d.version)):
            if not document.is_active:
                continue
            counted = written.get(document.id)
            documents.append(
                DocumentRecord(
                    title=document.title,
                    version=document.version,
                    comments=(counted.comments + counted.replies) if counted else 0,
                    commenters=counted.participants if counted else 0,
                )
            )
        items.append(ItemRecord(title=item.title, key=f"item-{item.id}", documents=documents))
    return items
