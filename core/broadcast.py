"""Socket.IO effects that happen only after the database transaction that caused them commits.

Services call `after_commit(...)`; nothing reaches clients if the transaction rolls back, and
no client can see an event about data it cannot yet read (h's notify-after-commit rule).
"""

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

from core.cluster import disconnect_room
from core.extensions import socketio

_PENDING_KEY = "pending_socket_effects"
# Called with a room's name after `close_room_after_commit` closed it (e.g. presence forgets it).
room_closed: list[Callable[[str], None]] = []


def _queue(session: Session, effect: Callable[[], None]) -> None:
    session.info.setdefault(_PENDING_KEY, []).append(effect)


def run_after_commit(session: Session, effect: Callable[[], None]) -> None:
    """Anything else that must wait for the commit (a background pre-render of a new document)."""
    _queue(session, effect)


def after_commit(session: Session, event_name: str, payload: dict, room: str) -> None:
    _queue(session, lambda: socketio.emit(event_name, payload, to=room))


def disconnect_user_after_commit(session: Session, user_id: int) -> None:
    """Drop a user's live connections, so the rooms they may no longer follow stop reaching them.

    Their clients reconnect at once and must join each document again, past the permission
    check. With a Redis message queue the connections on every process are dropped
    (`core.cluster.disconnect_room`).
    """

    disconnect_room_after_commit(session, user_room(user_id))


def disconnect_room_after_commit(session: Session, room: str) -> None:
    """Drop every connection in a room (a user's devices, or the sockets of one login)."""

    _queue(session, lambda: disconnect_room(socketio.server, room))


def close_room_after_commit(session: Session, room: str, event_name: str, payload: dict) -> None:
    """Tell everyone in `room` why, then take them all out of it (a withdrawn document's room).

    `close_room` reaches every process through the message queue; the `room_closed` listeners
    run here, once.
    """

    def close() -> None:
        socketio.emit(event_name, payload, to=room)
        socketio.close_room(room)
        for listener in room_closed:
            listener(room)

    _queue(session, close)


@event.listens_for(Session, "after_commit")
def _run_pending(session: Session) -> None:
    for effect in session.info.pop(_PENDING_KEY, []):
        effect()


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


def meeting_room(meeting_id: int) -> str:
    """Everyone following a meeting's sitting live: members' devices, the chair's console and the
    hall screen (`meeting:join`)."""
    return f"meeting:{meeting_id}"


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def login_room(login_key: str) -> str:
    return f"login:{login_key}"


def document_room(document_id: int) -> str:
    return f"document:{document_id}"
