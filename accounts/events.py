"""The socket auth guard: only signed-in users connect; each joins a room for their own devices
and one for the login it came with, so a logout drops exactly that login's sockets."""

from flask import session
from flask_socketio import join_room

from accounts.auth import socket_user
from core.broadcast import login_room, user_room
from core.extensions import socketio


@socketio.on("connect")
def on_connect(auth=None):
    user = socket_user(auth)
    if user is None:
        raise ConnectionRefusedError("unauthorized")
    session["socket_user_id"] = user.id
    session["socket_login_key"] = user.login_key
    join_room(user_room(user.id))
    join_room(login_room(user.login_key))
