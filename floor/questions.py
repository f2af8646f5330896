"""Questioning (chất vấn) after the floor: the secretary notes the answer and the commitments
(cam kết) made in it; open commitments follow the council to its next meeting ("việc đã hứa")."""

from sqlalchemy import select

from accounts.models import User
from audit import service as audit
from core.clock import utcnow
from core.errors import AppError
from core.extensions import db
from councils.permissions import runs_council
from floor.models import Commitment, Speaker, SpeakerKind
from floor.permissions import access, require_council_office, require_note_taker
from floor.schemas import AnswerNote, CommitmentReport, NewCommitment
from floor.service import get_speaker
from meetings.models import Meeting


def _question(actor: User, speaker_id: int) -> Speaker:
    speaker = get_speaker(speaker_id)
    require_note_taker(speaker.meeting, actor)
    if speaker.kind != SpeakerKind.QUESTION:
        raise AppError("not_a_question", 409)
    return speaker


def note_answer(actor: User, speaker_id: int, data: AnswerNote) -> Speaker:
    """What the addressee answered, in the secretary's words, for the minutes."""
    question = _question(actor, speaker_id)
    question.answer_note = data.note
    audit.record(actor, "answer_noted", meeting_id=question.meeting_id, speaker_id=question.id)
    db.session.flush()
    return question


def add_commitment(actor: User, speaker_id: int, data: NewCommitment) -> Commitment:
    """A promise made in an answer, with its due date; it stays open on the council's page."""
    question = _question(actor, speaker_id)
    commitment = Commitment(
        question=question,
        meeting_id=question.meeting_id,
        council_id=question.meeting.council_id,
        made_by_id=question.addressee_id,
        text=data.text,
        due_on=data.due_on,
        recorded_by_id=actor.id,
    )
    db.session.add(commitment)
    db.session.flush()
    audit.record(
        actor,
        "commitment_recorded",
        meeting_id=question.meeting_id,
        commitment_id=commitment.id,
        speaker_id=question.id,
        due_on=data.due_on.isoformat() if data.due_on else None,
    )
    db.session.flush()
    return commitment


def close_commitment(actor: User, commitment_id: int, data: CommitmentReport) -> Commitment:
    """Reported on (at a later session): the commitment leaves the open list, its report kept."""
    commitment = db.session.get(Commitment, commitment_id)
    if commitment is None:
        raise AppError("commitment_not_found", 404)
    if not runs_council(actor, commitment.council_id):
        require_note_taker(commitment.meeting, actor)
    commitment.done_at = commitment.done_at or utcnow()
    commitment.report = data.report
    audit.record(actor, "commitment_closed", meeting_id=commitment.meeting_id, commitment_id=commitment.id)
    db.session.flush()
    return commitment


def council_commitments(actor: User, council_id: int) -> list[Commitment]:
    """The council's open commitments, oldest due first, for its office."""
    require_council_office(actor, council_id)
    return _open(select(Commitment).where(Commitment.council_id == council_id))


def promised(actor: User, meeting_id: int) -> dict:
    """For a meeting: what was promised at the council's earlier meetings and is still open
    ("việc đã hứa", to report on), and what was promised at this one."""
    meeting = access(db.session.get(Meeting, meeting_id), actor).meeting
    earlier = []
    if meeting.council_id is not None:
        earlier = _open(
            select(Commitment)
            .join(Meeting, Meeting.id == Commitment.meeting_id)
            .where(Commitment.council_id == meeting.council_id, Commitment.meeting_id != meeting.id)
            .where(Meeting.starts_at <= meeting.starts_at)
        )
    here = list(
        db.session.scalars(
            select(Commitment).where(Commitment.meeting_id == meeting.id).order_by(Commitment.id)
        )
    )
    return {"earlier": earlier, "this_meeting": here}


def _open(query) -> list[Commitment]:
    query = query.where(Commitment.done_at.is_(None)).order_by(Commitment.due_on.is_(None), Commitment.due_on)
    return list(db.session.scalars(query.order_by(Commitment.id)))
