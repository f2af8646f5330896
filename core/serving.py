"""The gevent server `python wsgi.py` runs: pywsgi with WebSocket support and a read timeout.

A client that sends its request headers and then stalls must not hold anything for long: each
connection's socket gets a read timeout (`BODY_READ_TIMEOUT_S`), so a stalled body ends in a
408 (`core.bodies`) and an idle keep-alive connection is closed. Once a connection becomes a
WebSocket the timeout is lifted: Socket.IO's own ping/pong decides when a quiet socket is dead.
"""

from gevent import pywsgi
from geventwebsocket.handler import WebSocketHandler


class ReadTimeoutHandler(WebSocketHandler):
    read_timeout_s: float = 20.0

    def handle(self):
        self.socket.settimeout(self.read_timeout_s)
        return super().handle()

    def run_websocket(self):
        self.socket.settimeout(None)
        return super().run_websocket()


def gevent_server(app, host: str, port: int) -> pywsgi.WSGIServer:
    """What `socketio.run` builds under gevent, with the read-timeout handler."""
    handler = type("Handler", (ReadTimeoutHandler,), {"read_timeout_s": app.config["BODY_READ_TIMEOUT_S"]})
    return pywsgi.WSGIServer((host, port), app, handler_class=handler, log=None)
