"""Fill a MinutesRecord from what the app has recorded.

The meeting, its council and roster, its chair, secretary and guests, the agenda, the documents
with their versions and the delegates' written comments (the chair's digest); the sittings with
their times and attendance and each closed poll as frozen at close (sittings/); each item's
speeches, questions, answers and commitments (floor/).
"""

from datetime import datetime

from sqlalchemy import select

from annotations.digest import Digest, DigestFilters, build_digest, gather
from core.clock import in_vietnam
from core.extensions import db
from documents.models import Document
from floor import record as floor_record
from meetings.models import Meeting, Role
from minutes.record import (
    CHOICES,
    NO_BALLOT,
    Absence,
    Ballot,
    Commitment,
    DocumentRecord,
    ItemRecord,
    MinutesRecord,
    Person,
    PollRecord,
    QuestionRecord,
    SittingRecord,
    SpeechRecord,
)
from sittings.models import Sitting
from sittings.polls import meeting_polls
from sittings.service import attendance_summary

ORDINALS = ("nhất", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười")
# Where a vote tied to no agenda item is written: after the agenda's own items.
OTHER_VOTES = "Các nội dung biểu quyết khác"


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
    add_floor(record, meeting, now)
    return record


def add_sittings(record: MinutesRecord, meeting: Meeting) -> None:
    """Sittings with their times and attendance as recorded (a late correction shows at once), and
    each closed poll, frozen at close, under its agenda item (or its document's)."""
    sittings = db.session.scalars(
        select(Sitting).where(Sitting.meeting_id == meeting.id).order_by(Sitting.opened_at, Sitting.id)
    )
    for number, sitting in enumerate(sittings, start=1):
        summary = attendance_summary(sitting, meeting)
        people = summary["people"]
        record.sittings.append(
            SittingRecord(
                title=_sitting_title(number, sitting.opened_at),
                opened_at=sitting.opened_at,
                closed_at=sitting.closed_at,
                present=summary["present"],
                total=summary["total"],
                absent=[
                    Absence(person["full_name"], _reason(person["reason"]))
                    for person in people
                    if person["status"] == "absent"
                ],
                late=[Person(person["full_name"]) for person in people if person["status"] == "late"],
                unmarked=[Person(person["full_name"]) for person in people if person["status"] == "unmarked"],
            )
        )
    items = {item.key: item for item in record.items}
    for poll in meeting_polls(meeting):
        if poll.state != "closed" or not poll.result_text:
            continue
        _item_for(record, items, _poll_item_id(poll)).polls.append(
            PollRecord(
                title=poll.title,
                result_text=poll.result_text,
                total=poll.total or 0,
                counts=dict(poll.counts or {}),
                closed_at=poll.closed_at,
                secret=poll.kind == "manual",
                named=[Ballot(row["full_name"], _choice(row["status"])) for row in poll.roll or []],
                digest=poll.digest or "",
            )
        )


def add_floor(record: MinutesRecord, meeting: Meeting, now: datetime) -> None:
    """Each item's speeches in the order given (a turn still running ends `now`), and its questions
    with the answer noted and the commitments made."""
    items = {item.key: item for item in record.items}
    for speech in floor_record.speeches(meeting.id):
        if speech["kind"] == "question" or speech["start"] is None:
            continue  # a question is written with its answer, below
        _item_for(record, items, speech["agenda_item_id"]).speeches.append(
            SpeechRecord(
                speaker=speech["speaker"],
                started_at=speech["start"],
                ended_at=speech["end"] or now,
                kind=speech["kind"],
                topic=speech["topic"] or "",
                key=f"speech-{speech['id']}",
            )
        )
    for question in floor_record.questions(meeting.id):
        office = question["addressee_office"]
        addressee = f"{question['addressee']}, {office}" if office else question["addressee"]
        _item_for(record, items, question["agenda_item_id"]).questions.append(
            QuestionRecord(
                asker=question["asker"],
                addressee=addressee,
                question=question["question"] or "",
                answer=question["answer_note"] or "",
                commitments=[Commitment(c["text"], c["due_on"]) for c in question["commitments"]],
                asked_at=question["asked_at"],
            )
        )


def _sitting_title(number: int, opened_at: datetime) -> str:
    """ "Phiên thứ nhất (sáng 03/12/2026)", in Vietnam's time."""
    local = in_vietnam(opened_at)
    part = "sáng" if local.hour < 12 else ("chiều" if local.hour < 18 else "tối")
    ordinal = ORDINALS[number - 1] if number <= len(ORDINALS) else str(number)
    return f"Phiên thứ {ordinal} ({part} {local:%d/%m/%Y})"


def _choice(status: str) -> str:
    """A named list's row as frozen at close: the choice made, "not_voted" (present, pressed
    nothing) or "absent"."""
    return status if status in (*CHOICES, *NO_BALLOT) else "absent"


def _reason(reason: str) -> str:
    """A mark's reason as the minutes write it; empty: absent without a reason."""
    if reason in ("", "khong_ly_do"):
        return ""
    return "có lý do" if reason == "co_ly_do" else reason


def _poll_item_id(poll) -> int | None:
    if poll.agenda_item_id is not None:
        return poll.agenda_item_id
    if poll.document_id is not None:
        document = db.session.get(Document, poll.document_id)
        return document.agenda_item_id if document is not None else None
    return None


def _item_for(record: MinutesRecord, items: dict, agenda_item_id: int | None) -> ItemRecord:
    """The record's item for an agenda item; what belongs to none (or to an item since removed)
    goes under a closing item of its own."""
    found = items.get(f"item-{agenda_item_id}") if agenda_item_id is not None else None
    if found is None:
        found = items.get("item-other")
        if found is None:
            found = ItemRecord(title=OTHER_VOTES, key="item-other")
            record.items.append(found)
            items["item-other"] = found
    return found


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
