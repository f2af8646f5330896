"""Serving HTTP and Socket.IO from one gevent process, as `python wsgi.py` does.

We build gevent's WSGI server ourselves rather than through `socketio.run`, to set
TCP_NODELAY on every accepted connection: without it a response written in two parts
(headers, then body) waits ~40 ms for the client's delayed ACK (Nagle's algorithm), which
made a page served from the cache in 0.1 ms arrive after 60 ms over a kept-alive connection.
"""

import contextlib
import socket

from flask import Flask
from gevent import pywsgi
from geventwebsocket.handler import WebSocketHandler


class LowLatencyHandler(WebSocketHandler):
    """gevent-websocket's handler with Nagle's algorithm off for the connection it serves."""

    def __init__(self, sock, address, server, rfile=None):
        with contextlib.suppress(OSError):  # not a TCP socket (a Unix socket, a socketpair)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().__init__(sock, address, server, rfile)


def serve(app: Flask, host: str, port: int) -> None:
    """Serve until interrupted; Socket.IO is already mounted on `app` by `socketio.init_app`."""
    server = pywsgi.WSGIServer((host, port), app, handler_class=LowLatencyHandler, log=None)
    server.serve_forever()
