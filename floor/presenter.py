"""The one place floor JSON is shaped: for the API, for the hall screen and for live deltas."""

from core.clock import utcnow
from floor.models import Commitment, FloorState, Speaker, SpeakerState
from floor.timing import WARNING_S

# A delta carries a topic cut to this many characters, so it stays well under 1 KB.
DELTA_TOPIC_CHARS = 80


def remaining_ms(speaker: Speaker) -> int | None:
    """Milliseconds left in the current turn, as the server sees it now: clients count down from
    their own clock, so a projector PC with a wrong clock still shows the right time."""
    if (
        speaker.state != SpeakerState.SPEAKING
        or speaker.phase_started_at is None
        or speaker.allowed_s is None
    ):
        return None
    elapsed = (utcnow() - speaker.phase_started_at).total_seconds()
    return int((speaker.allowed_s - elapsed) * 1000)


def speaker_json(speaker: Speaker, *, short: bool = False) -> dict:
    topic = speaker.topic[:DELTA_TOPIC_CHARS] if short else speaker.topic
    data = {
        "id": speaker.id,
        "user_id": speaker.user_id,
        "name": speaker.user.display_name,
        "kind": speaker.kind,
        "state": speaker.state,
        "agenda_item_id": speaker.agenda_item_id,
        "topic": topic,
        "position": speaker.position,
    }
    if speaker.addressee is not None:
        data["addressee"] = {"user_id": speaker.addressee_id, "name": speaker.addressee.display_name}
    if speaker.state == SpeakerState.SPEAKING:
        data.update(phase=speaker.phase, allowed_s=speaker.allowed_s, remaining_ms=remaining_ms(speaker))
        data["started_at"] = speaker.started_at.isoformat() if speaker.started_at else None
        data["phase_started_at"] = speaker.phase_started_at.isoformat() if speaker.phase_started_at else None
    if short:
        return data
    data.update(
        paragraph_id=speaker.paragraph_id,
        started_at=speaker.started_at.isoformat() if speaker.started_at else None,
        ended_at=speaker.ended_at.isoformat() if speaker.ended_at else None,
        duration_s=speaker.duration_s,
    )
    if speaker.kind == "question":
        data["answer_note"] = speaker.answer_note
        data["commitments"] = [commitment_json(c) for c in speaker.commitments]
    return data


def commitment_json(commitment: Commitment) -> dict:
    question = commitment.question
    return {
        "id": commitment.id,
        "text": commitment.text,
        "due_on": commitment.due_on.isoformat() if commitment.due_on else None,
        "open": commitment.is_open,
        "report": commitment.report,
        "meeting_id": commitment.meeting_id,
        "meeting_title": commitment.meeting.title,
        "question_id": commitment.question_id,
        "asked_by": question.user.display_name,
        "made_by": commitment.made_by.display_name if commitment.made_by else None,
        "question": question.topic,
    }


def floor_json(
    meeting, state: FloorState | None, item, speaking: Speaker | None, queue: list[Speaker]
) -> dict:
    """Everything the hall screen shows, for a screen that (re)connects."""
    return {
        "meeting_id": meeting.id,
        "seq": state.seq if state is not None else 0,
        "warning_s": WARNING_S,
        "agenda_item": {"id": item.id, "title": item.title, "position": item.position} if item else None,
        "agenda": [{"id": i.id, "title": i.title, "position": i.position} for i in meeting.agenda_items],
        "speaker": speaker_json(speaking) if speaking is not None else None,
        "queue": [speaker_json(s, short=True) for s in queue],
        "projected": (
            {"document_id": state.projected_document_id, "page": state.projected_page}
            if state is not None and state.projected_document_id
            else None
        ),
    }
