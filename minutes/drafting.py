"""The secretary's paragraphs, what changed in the record since, and the chair's locked versions.

The generated parts are drafted from the record every time; what a person wrote is merged in
by key. The generated lines the secretary last saw are kept, so the draft says what a late
correction changed ("Thay đổi từ lần sửa trước"). Finalising freezes the whole record, the chair's
digest (the appendix) included; after that only the chair changes the minutes, each change a new
version with its reason.
"""

from collections import Counter

from sqlalchemy import select

from accounts.models import User
from audit import service as audit
from core.clock import utcnow
from core.errors import AppError, forbidden
from core.extensions import db
from documents.models import Document
from meetings.models import Meeting
from meetings.permissions import can_manage
from minutes import wording
from minutes.assemble import assemble
from minutes.models import MinutesDraft, MinutesText, MinutesVersion
from minutes.permissions import can_finalise, require_drafter
from minutes.record import MinutesRecord, record_from_json, record_to_json
from minutes.schemas import MinutesEdit, MinutesFinal


def drafter_meeting(user: User, meeting_id: int) -> Meeting:
    return require_drafter(db.session.get(Meeting, meeting_id), user)


def current_record(meeting: Meeting, council: str, place: str) -> MinutesRecord:
    """The latest finalised version if there is one (locked), else the live draft with people's text."""
    final = latest_version(meeting.id)
    if final is not None:
        return record_from_json(final.record)
    return live_record(meeting, council, place)


def live_record(meeting: Meeting, council: str, place: str) -> MinutesRecord:
    draft = db.session.get(MinutesDraft, meeting.id)
    review = db.session.get(Document, draft.document_id) if draft and draft.document_id else None
    skip = frozenset({review.agenda_item_id}) if review is not None else frozenset()
    record = assemble(meeting, council, place, utcnow(), skip)
    texts = _texts(meeting.id)
    item_keys = {item.key for item in record.items}
    record.conclusions = {key: text for key, text in texts.items() if key in item_keys}
    record.summaries = {key: text for key, text in texts.items() if key not in item_keys}
    return record


def latest_version(meeting_id: int) -> MinutesVersion | None:
    query = select(MinutesVersion).where(MinutesVersion.meeting_id == meeting_id)
    return db.session.scalars(query.order_by(MinutesVersion.number.desc()).limit(1)).first()


def draft_state(user: User, meeting_id: int, council: str, place: str) -> dict:
    """What the editing page shows: each paragraph a person writes, and what changed since the last edit."""
    meeting = drafter_meeting(user, meeting_id)
    record = live_record(meeting, council, place)
    final = latest_version(meeting.id)
    draft = db.session.get(MinutesDraft, meeting.id)
    return {
        "meeting_id": meeting.id,
        "state": "final" if final else "draft",
        "version": final.number if final else None,
        "can_finalise": can_finalise(user, meeting),
        "can_publish": can_manage(meeting, user),
        "document_id": draft.document_id if draft else None,
        "paragraphs": paragraphs(record),
        "changes": changes(draft.seen_lines, generated_lines(record)) if draft and draft.seen_at else [],
        "attendance": {
            "final": record.attendance_final,
            "unmarked": sum(len(sitting.unmarked) for sitting in record.sittings if sitting.is_open),
        },
    }


def paragraphs(record: MinutesRecord) -> list[dict]:
    out = []
    for item in record.items:
        for speech in item.speeches:
            out.append(
                {
                    "key": speech.key,
                    "kind": "summary",
                    "item": item.title,
                    "context": f"{speech.speaker} ({wording.hour(speech.started_at)}"
                    f"–{wording.hour(speech.ended_at)})",
                    "text": record.summaries.get(speech.key, ""),
                }
            )
        out.append(
            {
                "key": item.key,
                "kind": "conclusion",
                "item": item.title,
                "context": "",
                "text": record.conclusions.get(item.key, ""),
            }
        )
    return out


def generated_lines(record: MinutesRecord) -> list[str]:
    """The lines drafted from the record (not the people's paragraphs)."""
    return [f"{block.label}{block.text}" for block in wording.body(record) if block.style != "note"]


def changes(seen: list[str], now: list[str]) -> list[dict]:
    """Lines gone and lines new since the secretary last saved, in the draft's order."""
    before, after = Counter(seen), Counter(now)
    gone = before - after
    new = after - before
    out = []
    for line in seen:
        if gone[line]:
            gone[line] -= 1
            out.append({"change": "removed", "line": line})
    for line in now:
        if new[line]:
            new[line] -= 1
            out.append({"change": "added", "line": line})
    return out


def write(user: User, meeting_id: int, key: str, edit: MinutesEdit, council: str, place: str) -> dict:
    """Save one paragraph. Once finalised, only the chair changes it, with a reason: a new version."""
    meeting = drafter_meeting(user, meeting_id)
    record = live_record(meeting, council, place)
    if key not in {p["key"] for p in paragraphs(record)}:
        raise AppError("minutes_paragraph_not_found", 404)
    final = latest_version(meeting.id)
    if final is not None:
        if not can_finalise(user, meeting):
            raise AppError("minutes_final", 409)
        if not edit.reason:
            raise AppError("minutes_reason_required", 400)
    text = db.session.scalars(
        select(MinutesText).where(MinutesText.meeting_id == meeting.id, MinutesText.key == key)
    ).first()
    if text is None:
        text = MinutesText(meeting_id=meeting.id, key=key, updated_by_id=user.id)
        db.session.add(text)
    text.text, text.updated_by_id, text.updated_at = edit.text, user.id, utcnow()
    draft = draft_row(meeting.id)
    draft.seen_lines, draft.seen_at = generated_lines(record), utcnow()
    audit.record(user, "minutes_edited", meeting_id=meeting.id, key=key, reason=edit.reason or "")
    db.session.flush()
    if final is not None:
        _freeze(user, meeting, council, place, final.number + 1, edit.reason)
    return draft_state(user, meeting.id, council, place)


def finalise(user: User, meeting_id: int, final: MinutesFinal, council: str, place: str) -> dict:
    """The chair locks the minutes: the record and the people's text are frozen as version 1.
    Asking again changes nothing (a double tap on a tablet)."""
    meeting = drafter_meeting(user, meeting_id)
    if not can_finalise(user, meeting):
        raise forbidden()
    if latest_version(meeting.id) is None:  # finalising twice changes nothing
        _freeze(user, meeting, council, place, 1, final.reason)
    return draft_state(user, meeting.id, council, place)


def _freeze(user: User, meeting: Meeting, council: str, place: str, number: int, reason: str) -> None:
    record = live_record(meeting, council, place)
    if not record.attendance_final:
        # The official text would keep "not yet marked" and "not final" for ever.
        raise AppError("minutes_sitting_open", 409)
    db.session.add(
        MinutesVersion(
            meeting_id=meeting.id,
            number=number,
            record=record_to_json(record),
            reason=reason,
            finalised_by_id=user.id,
        )
    )
    audit.record(user, "minutes_finalised", meeting_id=meeting.id, version=number, reason=reason)
    db.session.flush()


def _texts(meeting_id: int) -> dict[str, str]:
    rows = db.session.scalars(select(MinutesText).where(MinutesText.meeting_id == meeting_id))
    return {row.key: row.text for row in rows if row.text}


def draft_row(meeting_id: int) -> MinutesDraft:
    draft = db.session.get(MinutesDraft, meeting_id)
    if draft is None:
        draft = MinutesDraft(meeting_id=meeting_id, seen_lines=[])
        db.session.add(draft)
    return draft
