"""The socket auth guard: only signed-in users connect; each joins a room for their own devices."""

from flask import session
from flask_socketio import join_room

from accounts.auth import socket_user
from core.broadcast import user_room
from core.extensions import socketio


@socketio.on("connect")
def on_connect(auth=None):
    user = socket_user(auth)
    if user is None:
        raise ConnectionRefusedError("unauthorized")
    session["socket_user_id"] = user.id
    join_room(user_room(user.id))
