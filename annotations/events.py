"""Socket.IO adapters for live annotation: join a document, annotate, moderate, presence.

Every event is acked: `{"ok": true, ...}` or `{"ok": false, "error", "message"}`; a refusal or a
bug answers the sender and never drops the connection. See docs/realtime.md.
"""

from functools import wraps

from flask import current_app, request, session
from flask_socketio import emit, join_room, leave_room
from redis.exceptions import RedisError

from accounts.models import User
from accounts.service import login_is_live
from annotations import service
from annotations.presence import Presence, SharedPresence
from annotations.schemas import (
    AnnotationChanges,
    AnnotationRef,
    DocumentRef,
    Moderation,
    NewAnnotation,
    PresenceUpdate,
)
from annotations.throttle import Throttle
from core.broadcast import document_room, room_closed
from core.errors import AppError, ack_error, database_busy
from core.extensions import db, socketio
from core.transactions import finish
from core.validation import parse

# Per connection, and a connection lives on one process: this throttle needs nothing shared.
presence_broadcasts = Throttle()


def _presence() -> Presence | SharedPresence:
    """In memory for one process; in Redis when several share a message queue (create_app)."""
    return current_app.extensions["presence"]


def _forget_closed(room: str) -> None:
    prefix = document_room("")
    if room.startswith(prefix) and room[len(prefix) :].isdigit():
        _presence().forget(int(room[len(prefix) :]))


room_closed.append(_forget_closed)


def _socket_user() -> User:
    user_id = session.get("socket_user_id")
    user = db.session.get(User, user_id) if user_id else None
    # A login ended on another process leaves this socket connected; its events stop here.
    if user is None or not user.is_active or not login_is_live(session.get("socket_login_key")):
        raise AppError("unauthorized", 401)
    return user


def acked(handler):
    """Run the handler for the connection's user as one transaction; turn any refusal or failure
    into an error ack."""

    @wraps(handler)
    def guarded(payload=None, *_extra):
        try:
            ack = handler(_socket_user(), payload)
            finish(refused=False)  # the event is the unit of work: it commits once
            return ack
        except AppError as error:
            finish(refused=True)
            return ack_error(error)
        except Exception as failure:
            db.session.rollback()
            if database_busy(failure):  # the outbox retries this one (static/js/offline/)
                current_app.logger.warning("Socket.IO event %s: database busy", handler.__name__)
                return ack_error(AppError("server_busy", 503, retry_after_s=2))
            current_app.logger.exception("Socket.IO event %s failed", handler.__name__)
            return ack_error(AppError("internal_error", 500))

    return guarded


def _announce(document_id: int, users: list[dict] | None) -> None:
    if users is not None:
        emit("presence", {"document_id": document_id, "users": users}, to=document_room(document_id))


@socketio.on("document:join")
@acked
def on_join(user: User, payload):
    document_id = parse(DocumentRef, payload).document_id
    seq = service.join_document(user, document_id)
    join_room(document_room(document_id))
    try:
        readers = _presence().enter(document_id, request.sid, user.id, user.display_name)
    except RedisError as failure:  # reading matters more than the list of who else is reading
        current_app.logger.warning("presence: Redis unavailable (%s)", failure)
    else:
        _announce(document_id, readers)
    return {"ok": True, "seq": seq}


@socketio.on("document:leave")
@acked
def on_leave(_user: User, payload):
    document_id = parse(DocumentRef, payload).document_id
    leave_room(document_room(document_id))
    _announce(document_id, _presence().leave(document_id, request.sid))
    return {"ok": True}


@socketio.on("presence:update")
@acked
def on_presence(_user: User, payload):
    data = parse(PresenceUpdate, payload)
    users = _presence().move(data.document_id, request.sid, data.page)
    if users is None:
        raise AppError("document_not_joined", 409)
    if presence_broadcasts.allow(request.sid):
        _announce(data.document_id, users)
    return {"ok": True}


@socketio.on("disconnect")
def on_disconnect(*_reason):
    presence_broadcasts.forget(request.sid)
    for document_id, users in _presence().drop(request.sid).items():
        _announce(document_id, users)


@socketio.on("annotation:create")
@acked
def on_create(user: User, payload):
    return service.create_annotation(user, parse(NewAnnotation, payload))


@socketio.on("annotation:update")
@acked
def on_update(user: User, payload):
    return service.update_annotation(user, parse(AnnotationChanges, payload))


@socketio.on("annotation:delete")
@acked
def on_delete(user: User, payload):
    return service.delete_annotation(user, parse(AnnotationRef, payload))


@socketio.on("annotation:hide")
@acked
def on_hide(user: User, payload):
    return service.set_hidden(user, parse(Moderation, payload))
