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
- A deadline for the whole request line and headers (`HEADER_READ_TIMEOUT_S`): the read timeout
  bounds one silence, so a client dripping a header line every 15 s would otherwise hold its
  connection for ever. Past the deadline the connection is answered 408 and closed.

Shutting down (SIGTERM from systemd, a deploy) is graceful in both servers, `python wsgi.py` and
gunicorn's worker: stop accepting, close live sockets so clients reconnect to another process,
let requests in flight finish (`SHUTDOWN_GRACE_S` / gunicorn's `graceful_timeout`).
"""

import contextlib
import logging
import socket

import gevent
from gevent import pywsgi
from gevent.pool import Pool
from geventwebsocket.handler import WebSocketHandler

_HEADERS_TOO_SLOW = (
    b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: text/plain\r\n"
    b"Content-Length: 0\r\n\r\n"
)


class _HeadersTooSlow(socket.timeout):
    """The request line and headers took longer than the handler's header deadline."""


class LowLatencyHandler(WebSocketHandler):
    """gevent-websocket's handler with Nagle's algorithm off, a read timeout and a header deadline."""

    read_timeout_s: float = 20.0
    header_timeout_s: float = 30.0
    _header_deadline = None

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

    def handle_one_request(self):
        try:
            return super().handle_one_request()
        finally:
            self._end_header_deadline()

    def read_requestline(self):
        """The header deadline starts with the request line (an idle keep-alive counts too)."""
        self._end_header_deadline()
        self._header_deadline = gevent.Timeout(self.header_timeout_s, _HeadersTooSlow())
        self._header_deadline.start()
        return super().read_requestline()

    def read_request(self, raw_requestline):
        try:
            return super().read_request(raw_requestline)
        finally:
            self._end_header_deadline()

    def _end_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.close()
            self._header_deadline = None

    def _handle_client_error(self, ex):
        if isinstance(ex, _HeadersTooSlow):
            return ("408", _HEADERS_TOO_SLOW)
        return super()._handle_client_error(ex)


def gevent_server(app, host: str, port: int) -> pywsgi.WSGIServer:
    """What `socketio.run` builds under gevent, with our handler."""
    handler = type("Handler", (LowLatencyHandler,), _handler_settings(app.config))
    # A pool, so a graceful shutdown can wait for the requests in flight (`drain`).
    return pywsgi.WSGIServer((host, port), app, handler_class=handler, log=None, spawn=Pool())


def _handler_settings(config) -> dict:
    return {
        "read_timeout_s": config["BODY_READ_TIMEOUT_S"],
        "header_timeout_s": config["HEADER_READ_TIMEOUT_S"],
    }


CLOSE_SOCKETS_TIMEOUT_S = 5.0


def close_live_connections(app) -> int:
    """Close every Socket.IO connection of this process at the Engine.IO level.

    Not a Socket.IO "disconnect" (a browser takes that as final and stays offline): the transport
    closes, so each client reconnects by itself, and behind nginx reaches another process. The
    `disconnect` handlers run here first, so presence forgets these readers everywhere.
    """
    from core.extensions import socketio

    server = getattr(socketio, "server", None)
    if server is None:
        return 0
    import gevent

    sockets = list(server.eio.sockets.items())

    def close_all() -> None:
        with app.app_context():
            for sid, live in sockets:
                try:
                    # wait=False: a socket whose client vanished has no writer left to drain its
                    # queue, and waiting for it would hold the shutdown for ever.
                    live.close(wait=False, reason=server.eio.reason.SERVER_DISCONNECT)
                except Exception:
                    app.logger.exception("Closing live connection %s at shutdown failed", sid)
                server.eio.sockets.pop(sid, None)

    closing = gevent.spawn(close_all)
    closing.join(timeout=CLOSE_SOCKETS_TIMEOUT_S)
    if not closing.dead:
        closing.kill(block=False)
        app.logger.warning("Closing live connections at shutdown took over %s s", CLOSE_SOCKETS_TIMEOUT_S)
    return len(sockets)


def drain(app, servers, timeout_s: float, tick=None) -> None:
    """Graceful shutdown: stop accepting, close live sockets, let requests in flight finish.

    Requests still running after `timeout_s` are cut. `tick` is called while waiting (gunicorn's
    worker must keep telling its master that it is alive).
    """
    import time

    import gevent

    log = logging.getLogger("phonghop.serving")
    for server in servers:
        server.close()  # the listening socket: a new connection now goes to another process
    closed = close_live_connections(app)
    log.info("Shutting down: stopped accepting, closed %d live connections", closed)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and any(s.pool is not None and len(s.pool) for s in servers):
        if tick is not None:
            tick()
        gevent.sleep(0.1)
    for server in servers:
        server.stop(timeout=0.1)  # whatever is left after the grace period
    log.info("Shut down")


def serve_until_signalled(app, host: str, port: int) -> None:
    """`python wsgi.py`: serve until SIGTERM or SIGINT, then drain (`SHUTDOWN_GRACE_S`)."""
    import signal

    import gevent

    server = gevent_server(app, host, port)
    stopping = []

    def stop() -> None:
        if not stopping:
            stopping.append(gevent.spawn(drain, app, [server], app.config["SHUTDOWN_GRACE_S"]))

    gevent.signal_handler(signal.SIGTERM, stop)
    gevent.signal_handler(signal.SIGINT, stop)
    server.serve_forever()
    if stopping:
        stopping[0].join()


try:  # gunicorn is installed where the app is deployed; `python wsgi.py` does not need it
    from gunicorn.workers.ggevent import GeventPyWSGIWorker, PyWSGIHandler
except ImportError:  # pragma: no cover
    GeventPyWSGIWorker = None


if GeventPyWSGIWorker is not None:

    class GunicornWorker(GeventPyWSGIWorker):
        """gunicorn's gevent worker with our handler (WebSocket, no Nagle, read timeout) and our
        graceful shutdown. One per process: Flask-SocketIO keeps a connection's state in the
        process that accepted it (deploy/gunicorn.conf.py)."""

        def load_wsgi(self):
            super().load_wsgi()
            self.wsgi_handler = type(
                "Handler",
                (LowLatencyHandler, PyWSGIHandler),
                _handler_settings(self.wsgi.config),
            )

        def run(self):
            import gevent
            from gevent.pool import Pool
            from gunicorn.http.wsgi import base_environ

            servers = []
            for listener in self.sockets:
                listener.setblocking(1)
                environ = base_environ(self.cfg)
                environ.update({"wsgi.multithread": True, "SERVER_SOFTWARE": "gunicorn"})
                server = self.server_class(
                    listener,
                    application=self.wsgi,
                    spawn=Pool(self.worker_connections),
                    log=self.log,
                    handler_class=self.wsgi_handler,
                    environ=environ,
                )
                server.start()
                servers.append(server)
            while self.alive:
                self.notify()
                gevent.sleep(0.5)
            drain(self.wsgi, servers, self.cfg.graceful_timeout, tick=self.notify)
