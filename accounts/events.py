"""The socket auth guard: only signed-in users connect; each joins a room for their own devices
and one for the login it came with, so a logout drops exactly that login's sockets. Every
feature's socket handlers run through `acked`, which finds the connection's user per event."""

from functools import wraps

from flask import current_app, session
from flask_socketio import join_room

from accounts.auth import socket_user
from accounts.models import User
from accounts.service import login_is_live
from core.broadcast import login_room, user_room
from core.errors import AppError, ack_error, database_busy
from core.extensions import db, socketio
from core.transactions import finish


@socketio.on("connect")
def on_connect(auth=None):
    try:
        user = socket_user(auth)
    except Exception as failure:
        # Refused, which the page tries again (static/js/app.js): an error raised here would leave
        # the tablet with no answer at all. No connection free is a vote's reconnect storm.
        db.session.rollback()
        if database_busy(failure):
            current_app.logger.warning("Socket.IO connect: database busy")
            raise ConnectionRefusedError("server_busy") from None
        current_app.logger.exception("Socket.IO connect failed")
        raise ConnectionRefusedError("internal_error") from None
    if user is None:
        raise ConnectionRefusedError("unauthorized")
    session["socket_user_id"] = user.id
    session["socket_login_key"] = user.login_key
    join_room(user_room(user.id))
    join_room(login_room(user.login_key))


def _socket_user() -> User:
    user_id = session.get("socket_user_id")
    user = db.session.get(User, user_id) if user_id else None
    # A login ended on another process leaves this socket connected; its events stop here.
    if user is None or not user.is_active or not login_is_live(session.get("socket_login_key")):
        raise AppError("unauthorized", 401)
    return user


def acked(handler):
    """Run the handler for the connection's user as one transaction; turn any refusal or failure
    into an error ack, so a bad event never drops the connection."""

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
