"""What the floor contributes to the minutes (biên bản): speeches and questions per agenda item,
as plain data. `minutes/assemble.py` maps these onto its MinutesRecord; callers
check who may read the minutes, so nothing here asks permissions."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.extensions import db
from floor.models import Speaker, SpeakerKind, SpeakerState


def _done(meeting_id: int, *kinds: str) -> list[Speaker]:
    return list(
        db.session.scalars(
            select(Speaker)
            .where(Speaker.meeting_id == meeting_id, Speaker.kind.in_(kinds))
            .where(Speaker.state.in_((SpeakerState.DONE, SpeakerState.SPEAKING)))
            .order_by(Speaker.started_at, Speaker.id)
            .options(
                selectinload(Speaker.user), selectinload(Speaker.addressee), selectinload(Speaker.commitments)
            )
        )
    )


def speeches(meeting_id: int) -> list[dict]:
    """Every turn on the floor in the order it was given, with its recorded times."""
    return [
        {
            "id": s.id,
            "agenda_item_id": s.agenda_item_id,
            "speaker": s.user.display_name,
            "kind": s.kind,
            "topic": s.topic,
            "start": s.started_at,
            "end": s.ended_at,
            "duration_s": s.duration_s,
        }
        for s in _done(meeting_id, SpeakerKind.SPEECH, SpeakerKind.POINT_OF_ORDER, SpeakerKind.QUESTION)
    ]


def questions(meeting_id: int) -> list[dict]:
    """Each question called: who asked whom what, the noted answer, the commitments made."""
    return [
        {
            "agenda_item_id": q.agenda_item_id,
            "asker": q.user.display_name,
            "addressee": q.addressee.display_name if q.addressee else "",
            "addressee_office": q.addressee.position if q.addressee else "",
            "question": q.topic,
            "asked_at": q.started_at,
            "answer_note": q.answer_note,
            "commitments": [{"text": c.text, "due_on": c.due_on} for c in q.commitments],
        }
        for q in _done(meeting_id, SpeakerKind.QUESTION)
    ]
