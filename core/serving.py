"""The gevent server `python wsgi.py` runs: pywsgi with WebSocket support, no Nagle delay, and a
read timeout.

We build gevent's WSGI server ourselves rather than through `socketio.run`:

- TCP_NODELAY on every accepted connection: without it a response written in two parts
  (headers, then body) waits ~40 ms for the client's delayed ACK (Nagle's algorithm), which made
  a page served from the cache in 0.1 ms arrive after 60 ms over a kept-alive connection.
- A read timeout (`BODY_READ_TIMEOUT_S`): a client that sends its request headers and then
  stalls must not hold anything for long, so a stalled body ends in a 408 (`core.bodies`) and an
  idle keep-alive connection is closed. Once a connection becomes a WebSocket the timeout is
  lifted: Socket.IO's own ping/pong decides when a quiet socket is dead.
"""

import contextlib
import socket

from gevent import pywsgi
from geventwebsocket.handler import WebSocketHandler


class LowLatencyHandler(WebSocketHandler):
    """gevent-websocket's handler with Nagle's algorithm off and a read timeout."""

    read_timeout_s: float = 20.0

    def __init__(self, sock, address, server, rfile=None):
        with contextlib.suppress(OSError):  # not a TCP socket (a Unix socket, a socketpair)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().__init__(sock, address, server, rfile)

    def handle(self):
        self.socket.settimeout(self.read_timeout_s)
        return super().handle()

    def run_websocket(self):
        self.socket.settimeout(None)
        return super().run_websocket()


def gevent_server(app, host: str, port: int) -> pywsgi.WSGIServer:
    """What `socketio.run` builds under gevent, with our handler."""
    handler = type("Handler", (LowLatencyHandler,), {"read_timeout_s": app.config["BODY_READ_TIMEOUT_S"]})
    return pywsgi.WSGIServer((host, port), app, handler_class=handler, log=None)
