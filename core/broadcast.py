"""Socket.IO events emitted only after the database transaction that caused them commits.

Services call `after_commit(...)`; nothing reaches clients if the transaction rolls back, and
no client can see an event about data it cannot yet read (h's notify-after-commit rule).
"""

from sqlalchemy import event
from sqlalchemy.orm import Session

from core.extensions import socketio

_PENDING_KEY = "pending_broadcasts"


def after_commit(session: Session, event_name: str, payload: dict, room: str) -> None:
    session.info.setdefault(_PENDING_KEY, []).append((event_name, payload, room))


@event.listens_for(Session, "after_commit")
def _emit_pending(session: Session) -> None:
    for event_name, payload, room in session.info.pop(_PENDING_KEY, []):
        socketio.emit(event_name, payload, to=room)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def document_room(document_id: int) -> str:
    return f"document:{document_id}"


def meeting_room(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"
