"""Headers dripped a line at a time, each just inside the read timeout, no longer keep a
connection open for ever: the request line and headers together must arrive in time.

Against the real server (`python wsgi.py`, gevent) on loopback, with a raw socket.
"""

import socket
import time

import pytest
import requests

from tests.live_server import LiveServer
from tests.test_stalled_bodies import accounts_template  # noqa: F401 - the accounts the server starts with

READ_TIMEOUT_S = 2.0
HEADER_TIMEOUT_S = 3.0


@pytest.fixture
def server(accounts_template, tmp_path, monkeypatch):  # noqa: F811 - the fixture imported above
    monkeypatch.setenv("BODY_READ_TIMEOUT_S", str(READ_TIMEOUT_S))
    monkeypatch.setenv("HEADER_READ_TIMEOUT_S", str(HEADER_TIMEOUT_S))
    live = LiveServer(accounts_template, tmp_path / "data")
    live.start()
    yield live
    live.stop()


def _drip(line: socket.socket, until_s: float) -> tuple[float, bytes]:
    """Send one header line every second (inside the read timeout) until the server answers or
    closes; how long that took, and what it said."""
    started = time.monotonic()
    line.sendall(b"GET /api/meetings HTTP/1.1\r\n")
    line.settimeout(1.0)
    number = 0
    while time.monotonic() - started < until_s:
        try:
            answer = line.recv(200)
            return time.monotonic() - started, answer
        except TimeoutError:
            pass
        number += 1
        try:
            line.sendall(f"X-Drip-{number}: {'a' * 10}\r\n".encode())
        except OSError:  # the server closed its end
            return time.monotonic() - started, b""
    return time.monotonic() - started, b"still open"


def test_headers_dripped_slowly_are_cut_off_once_the_header_time_is_up(server):
    line = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    try:
        took, answer = _drip(line, until_s=HEADER_TIMEOUT_S * 4)
    finally:
        line.close()

    assert answer != b"still open"
    assert answer == b"" or answer.startswith(b"HTTP/1.1 408 ")
    assert took < HEADER_TIMEOUT_S + READ_TIMEOUT_S + 1


def test_a_request_sent_at_an_ordinary_pace_is_answered(server):
    assert requests.get(f"{server.url}/api/meetings", timeout=10).status_code == 401
