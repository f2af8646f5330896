"""The speaker list and the chair's control of the floor: who asks, who speaks, for how long, what
the hall sees. Every change is on the audit trail and goes to the meeting's room as a small delta
(`floor:changed`) after the commit; `floor_snapshot` is what a screen that reconnects reads."""

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import selectinload

from accounts.models import User
from audit import service as audit
from core.broadcast import after_commit, meeting_room
from core.clock import utcnow
from core.errors import AppError
from core.extensions import db
from documents.models import Document, Paragraph
from floor import presenter, timing
from floor.models import FloorState, Phase, Speaker, SpeakerKind, SpeakerState
from floor.permissions import access, require_runner, require_speaker
from floor.schemas import CurrentItem, NewSpeaker, Projection, SpeakerOrder
from meetings.models import AgendaItem, Meeting, Membership, Role

# A queue-order delta lists ids; past this many it would outgrow 1 KB, so clients refetch instead.
ORDER_DELTA_LIMIT = 100


def _item(item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.removed_at is not None:
        raise AppError("agenda_item_not_found", 404)
    return item


def get_speaker(speaker_id: int) -> Speaker:
    speaker = db.session.get(Speaker, speaker_id)
    if speaker is None:
        raise AppError("speaker_not_found", 404)
    return speaker


def _state(meeting: Meeting) -> FloorState:
    """The meeting's floor row, locked for this transaction so two consoles number deltas in turn.
    Two consoles acting first at the same moment both insert it; one insert wins, neither fails."""
    query = select(FloorState).where(FloorState.meeting_id == meeting.id).with_for_update()
    state = db.session.scalar(query)
    if state is None:
        dialect = db.session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        db.session.execute(
            insert(FloorState)
            .values(meeting_id=meeting.id, seq=0, updated_at=utcnow())
            .on_conflict_do_nothing()
        )
        state = db.session.scalar(query)
    return state


def _changed(meeting: Meeting, delta: dict) -> None:
    """Number the change and send it to the meeting's room once the transaction commits."""
    state = _state(meeting)
    state.seq += 1
    state.updated_at = utcnow()
    after_commit(
        db.session,
        "floor:changed",
        {"meeting_id": meeting.id, "seq": state.seq, **delta},
        meeting_room(meeting.id),
    )


def _speaking(meeting_id: int) -> Speaker | None:
    return db.session.scalar(
        select(Speaker).where(Speaker.meeting_id == meeting_id, Speaker.state == SpeakerState.SPEAKING)
    )


# Who asked and whom they ask, loaded with the queue: a queue of 100 is two queries, not 200.
_WITH_PEOPLE = (selectinload(Speaker.user), selectinload(Speaker.addressee))


def _waiting(item_id: int) -> list[Speaker]:
    return list(
        db.session.scalars(
            select(Speaker)
            .where(Speaker.agenda_item_id == item_id, Speaker.state == SpeakerState.WAITING)
            .order_by(Speaker.position, Speaker.id)
            .options(*_WITH_PEOPLE)
        )
    )


def _guest(meeting: Meeting, username: str) -> User:
    """A question's addressee must be a guest (khách mời) of this meeting."""
    user = db.session.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.meeting_id == meeting.id, Membership.role == Role.GUEST, User.username == username)
    )
    if user is None:
        raise AppError("addressee_not_guest", 400, username=username)
    return user


def _paragraph_of(meeting: Meeting, paragraph_id: int) -> Paragraph:
    paragraph = db.session.get(Paragraph, paragraph_id)
    document = db.session.get(Document, paragraph.document_id) if paragraph else None
    if document is None or not document.is_active or document.agenda_item.meeting_id != meeting.id:
        raise AppError("paragraph_not_found", 404)
    return paragraph


def register(actor: User, item_id: int, data: NewSpeaker) -> Speaker:
    """A delegate asks for the floor on an item ("Đăng ký phát biểu"), files a question to a guest,
    or raises a point of order, which goes to the head of the queue."""
    item = _item(item_id)
    meeting = require_speaker(item.meeting, actor).meeting
    addressee = _guest(meeting, data.addressee) if data.kind == SpeakerKind.QUESTION else None
    if data.paragraph_id is not None:
        _paragraph_of(meeting, data.paragraph_id)
    if data.kind != SpeakerKind.QUESTION and any(
        s.user_id == actor.id and s.kind == data.kind for s in _waiting(item.id)
    ):
        raise AppError("already_in_queue", 409)
    high = db.session.scalar(select(func.max(Speaker.position)).where(Speaker.agenda_item_id == item.id))
    if data.kind == SpeakerKind.POINT_OF_ORDER:
        waiting = _waiting(item.id)
        position = (waiting[0].position if waiting else (high or 0) + 1) - 1
    else:
        position = (high or 0) + 1
    speaker = Speaker(
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        user_id=actor.id,
        kind=data.kind,
        topic=data.topic,
        addressee_id=addressee.id if addressee else None,
        paragraph_id=data.paragraph_id,
        position=position,
        state=SpeakerState.WAITING,
    )
    db.session.add(speaker)
    db.session.flush()
    audit.record(
        actor,
        "speaker_registered",
        meeting_id=meeting.id,
        speaker_id=speaker.id,
        kind=speaker.kind,
        agenda_item_id=item.id,
        addressee=data.addressee,
    )
    _changed(
        meeting,
        {"op": "added", "agenda_item_id": item.id, "speaker": presenter.speaker_json(speaker, short=True)},
    )
    db.session.flush()
    return speaker


def queue(actor: User, item_id: int) -> list[Speaker]:
    """Everyone who asked for the floor on an item, in the order the chair set."""
    item = _item(item_id)
    access(item.meeting, actor)
    return _queue(item.id)


def _queue(item_id: int) -> list[Speaker]:
    return list(
        db.session.scalars(
            select(Speaker)
            .where(Speaker.agenda_item_id == item_id, Speaker.state != SpeakerState.WITHDRAWN)
            .order_by(Speaker.position, Speaker.id)
            .options(*_WITH_PEOPLE, selectinload(Speaker.commitments))
        )
    )


def reorder(actor: User, item_id: int, order: SpeakerOrder) -> list[Speaker]:
    """The chair sets the order of those still waiting; those who spoke keep their place."""
    item = _item(item_id)
    meeting = require_runner(item.meeting, actor).meeting
    waiting = {s.id: s for s in _waiting(item.id)}
    if sorted(order.speaker_ids) != sorted(waiting):
        raise AppError("speaker_order_mismatch", 409)
    slots = sorted(s.position for s in waiting.values())
    if len(set(slots)) < len(slots):  # two points of order raised at once share a place
        slots = [slots[0] + offset for offset in range(len(slots))]
    for position, speaker_id in zip(slots, order.speaker_ids, strict=True):
        waiting[speaker_id].position = position
    audit.record(
        actor,
        "speakers_reordered",
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        speaker_ids=order.speaker_ids,
    )
    delta = {"op": "order", "agenda_item_id": item.id}
    if len(order.speaker_ids) <= ORDER_DELTA_LIMIT:
        delta["order"] = order.speaker_ids
    _changed(meeting, delta)
    db.session.flush()
    return _queue(item.id)


def withdraw(actor: User, speaker_id: int) -> Speaker:
    """The delegate takes back a request still waiting; the chair may strike one too."""
    speaker = get_speaker(speaker_id)
    found = access(speaker.meeting, actor)
    if speaker.user_id != actor.id and not found.runs_floor:
        raise AppError("forbidden", 403)
    if speaker.state != SpeakerState.WAITING:
        raise AppError("speaker_not_waiting", 409)
    speaker.state = SpeakerState.WITHDRAWN
    audit.record(actor, "speaker_withdrawn", meeting_id=speaker.meeting_id, speaker_id=speaker.id)
    _changed(
        speaker.meeting, {"op": "removed", "agenda_item_id": speaker.agenda_item_id, "speaker_id": speaker.id}
    )
    db.session.flush()
    return speaker


def _begin_phase(speaker: Speaker, phase: Phase) -> None:
    now = utcnow()
    speaker.phase = phase
    speaker.phase_started_at = now
    council_id = speaker.meeting.council_id
    speaker.allowed_s = timing.allowed_seconds(council_id, speaker.kind, phase)


def _end(actor: User, speaker: Speaker) -> None:
    now = utcnow()
    speaker.state = SpeakerState.DONE
    speaker.ended_at = now
    speaker.duration_s = int((now - speaker.started_at).total_seconds()) if speaker.started_at else 0
    audit.record(
        actor,
        "floor_ended",
        meeting_id=speaker.meeting_id,
        speaker_id=speaker.id,
        user_id=speaker.user_id,
        duration_s=speaker.duration_s,
    )


def start(actor: User, speaker_id: int) -> Speaker:
    """The chair gives the floor: whoever had it is done, the countdown starts for everyone."""
    speaker = get_speaker(speaker_id)
    meeting = require_runner(speaker.meeting, actor).meeting
    if speaker.state == SpeakerState.SPEAKING:
        return speaker
    if speaker.state != SpeakerState.WAITING:
        raise AppError("speaker_not_waiting", 409)
    current = _speaking(meeting.id)
    if current is not None:
        _end(actor, current)
    speaker.state = SpeakerState.SPEAKING
    speaker.started_at = utcnow()
    _begin_phase(speaker, Phase.QUESTION if speaker.kind == SpeakerKind.QUESTION else Phase.SPEECH)
    state = _state(meeting)
    if state.current_item_id != speaker.agenda_item_id:
        state.current_item_id = speaker.agenda_item_id
        _changed(meeting, {"op": "item", "agenda_item": _item_json(speaker.agenda_item)})
    audit.record(
        actor,
        "floor_given",
        meeting_id=meeting.id,
        speaker_id=speaker.id,
        user_id=speaker.user_id,
        allowed_s=speaker.allowed_s,
    )
    db.session.flush()
    _changed(
        meeting,
        {
            "op": "speaker",
            "speaker": presenter.speaker_json(speaker, short=True),
            "done_id": current.id if current else None,
        },
    )
    db.session.flush()
    return speaker


def next_phase(actor: User, speaker_id: int) -> Speaker:
    """Questioning moves on: question, then the addressee's answer, then one follow-up, then done."""
    speaker = get_speaker(speaker_id)
    meeting = require_runner(speaker.meeting, actor).meeting
    if speaker.state != SpeakerState.SPEAKING:
        raise AppError("speaker_not_speaking", 409)
    following = {Phase.QUESTION: Phase.ANSWER, Phase.ANSWER: Phase.FOLLOW_UP}.get(speaker.phase)
    if following is None:
        return stop(actor, speaker_id)
    _begin_phase(speaker, following)
    audit.record(actor, "floor_phase", meeting_id=meeting.id, speaker_id=speaker.id, phase=following)
    _changed(meeting, {"op": "speaker", "speaker": presenter.speaker_json(speaker, short=True)})
    db.session.flush()
    return speaker


def stop(actor: User, speaker_id: int) -> Speaker:
    """The chair ends the turn; its start, end and duration stay for the minutes."""
    speaker = get_speaker(speaker_id)
    meeting = require_runner(speaker.meeting, actor).meeting
    if speaker.state == SpeakerState.DONE:
        return speaker
    if speaker.state != SpeakerState.SPEAKING:
        raise AppError("speaker_not_speaking", 409)
    _end(actor, speaker)
    _changed(meeting, {"op": "speaker", "speaker": None, "done_id": speaker.id})
    db.session.flush()
    return speaker


def _item_json(item: AgendaItem) -> dict:
    return {"id": item.id, "title": item.title[:200], "position": item.position}


def set_current_item(actor: User, meeting_id: int, data: CurrentItem) -> Meeting:
    """The chair moves the hall to an agenda item (or to the next or previous one)."""
    meeting = require_runner(db.session.get(Meeting, meeting_id), actor).meeting
    items = list(meeting.agenda_items)
    if not items:
        raise AppError("agenda_item_not_found", 404)
    state = _state(meeting)
    if data.agenda_item_id is not None:
        target = next((i for i in items if i.id == data.agenda_item_id), None)
        if target is None:
            raise AppError("agenda_item_not_found", 404)
    else:
        ids = [i.id for i in items]
        here = ids.index(state.current_item_id) if state.current_item_id in ids else -1
        step = 1 if data.direction == "next" else -1
        target = items[min(max(here + step, 0), len(items) - 1)]
    if state.current_item_id != target.id:
        state.current_item_id = target.id
        audit.record(actor, "floor_item", meeting_id=meeting.id, agenda_item_id=target.id)
        _changed(meeting, {"op": "item", "agenda_item": _item_json(target)})
    db.session.flush()
    return meeting


def project(actor: User, meeting_id: int, data: Projection) -> Meeting:
    """The chair puts a document page on the hall screen (and on the readers that follow it)."""
    meeting = require_runner(db.session.get(Meeting, meeting_id), actor).meeting
    state = _state(meeting)
    if data.document_id is None:
        state.projected_document_id, state.projected_page = None, None
    else:
        document = db.session.get(Document, data.document_id)
        if document is None or not document.is_active or document.agenda_item.meeting_id != meeting.id:
            raise AppError("document_not_found", 404)
        if data.page > document.page_count:
            raise AppError("page_not_found", 404, page=data.page)
        state.projected_document_id, state.projected_page = document.id, data.page
    audit.record(
        actor,
        "floor_projected",
        meeting_id=meeting.id,
        document_id=data.document_id,
        page=state.projected_page,
    )
    projected = (
        {"document_id": state.projected_document_id, "page": state.projected_page}
        if data.document_id
        else None
    )
    _changed(meeting, {"op": "projected", "projected": projected})
    db.session.flush()
    return meeting


def floor_snapshot(actor: User, meeting_id: int) -> dict:
    """The whole floor as the hall screen shows it; reads only, so a reconnect writes nothing."""
    meeting = access(db.session.get(Meeting, meeting_id), actor).meeting
    state = db.session.get(FloorState, meeting.id)
    item = state.current_item if state is not None and state.current_item is not None else None
    if item is None and meeting.agenda_items:
        item = meeting.agenda_items[0]
    waiting = _waiting(item.id) if item is not None else []
    return presenter.floor_json(meeting, state, item, _speaking(meeting.id), waiting)
