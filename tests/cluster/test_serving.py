"""Serving in production: health checks for the load balancer, request ids in the logs, and a
graceful stop that finishes what it started and sends live clients elsewhere."""

import json
import os
import signal
import socket

import pytest
import requests
import websocket

from tests.live_server import LiveServer, wait_until

pytestmark = pytest.mark.server


@pytest.fixture
def node(cluster_template, tmp_path):
    started: list[LiveServer] = []

    def start(gunicorn: bool = False, **settings) -> LiveServer:
        server = LiveServer(
            cluster_template,
            tmp_path / f"node{len(started)}",
            {"PREWARM_PAGES": "0", **{key: str(value) for key, value in settings.items()}},
            gunicorn=gunicorn,
        )
        started.append(server)
        server.start()
        return server

    yield start
    for server in started:
        server.stop()


def _refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return False
    except OSError:
        return True


def _frames_until_closed(live: websocket.WebSocket) -> list[str]:
    frames = []
    try:
        while frame := live.recv():
            frames.append(frame)
    except websocket.WebSocketConnectionClosedException:
        pass
    return frames


@pytest.mark.parametrize("served_by", ["python wsgi.py", "gunicorn"])
def test_a_stopped_process_finishes_the_request_in_flight_and_sends_live_clients_elsewhere(node, served_by):
    server = node(gunicorn=served_by == "gunicorn", SHUTDOWN_GRACE_S=60)
    token = server.login("delegate1")
    secretary = server.login("secretary")
    meeting_id = server.get("/api/meetings", secretary)[0]["id"]
    live = websocket.create_connection(
        f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket", timeout=10
    )
    assert live.recv().startswith("0")  # Engine.IO open
    live.send("40" + json.dumps({"token": token}))
    assert live.recv().startswith("40")  # Socket.IO connected
    body = json.dumps({"title": "Mục thêm khi máy chủ đang dừng"}).encode()
    in_flight = socket.create_connection(("127.0.0.1", server.port), timeout=60)
    in_flight.sendall(
        f"POST /api/meetings/{meeting_id}/agenda HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode()
        + f"Authorization: Bearer {secretary}\r\nContent-Type: application/json\r\n".encode()
        + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        + body[:10]
    )

    os.kill(server.process.pid, signal.SIGTERM)

    frames = _frames_until_closed(live)
    live.shutdown()  # closes the socket even after the server closed the connection
    # The transport closed ("1"), not a Socket.IO disconnect ("41") that a browser takes as final.
    assert "41" not in frames
    wait_until(lambda: _refuses_connections(server.port), timeout=10, what="the port to stop accepting")

    in_flight.sendall(body[10:])
    answer = b""
    while chunk := in_flight.recv(65536):
        answer += chunk
    in_flight.close()
    assert answer.startswith(b"HTTP/1.1 201"), answer[:200]
    assert b'"id"' in answer
    assert server.process.wait(timeout=90) == 0


def test_healthz_answers_200_when_the_database_answers_and_names_redis_unconfigured(node):
    server = node()
    response = requests.get(f"{server.url}/healthz", timeout=10)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "not_configured"}


def test_healthz_answers_503_when_redis_is_gone(node, redis_server, tmp_path):
    from tests.cluster.redis_server import RedisServer

    doomed = RedisServer(tmp_path / "doomed-redis")
    doomed.start()
    server = node(SOCKETIO_MESSAGE_QUEUE=doomed.url)
    assert requests.get(f"{server.url}/healthz", timeout=10).json()["redis"] == "ok"

    doomed.stop()

    response = requests.get(f"{server.url}/healthz", timeout=20)
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "redis": "unavailable"}


def test_json_logs_carry_the_request_id_the_proxy_sent(node):
    server = node(LOG_FORMAT="json")
    response = requests.get(f"{server.url}/api/me", headers={"X-Request-Id": "abc-123"}, timeout=10)
    assert response.headers["X-Request-Id"] == "abc-123"
    fresh = requests.get(f"{server.url}/api/me", timeout=10).headers["X-Request-Id"]
    assert fresh not in ("", "abc-123")

    def access_lines() -> list[dict]:
        lines = server.log.read_text(errors="replace").splitlines()
        entries = [json.loads(line) for line in lines if line.startswith("{")]
        return [e for e in entries if e.get("logger") == "phonghop.access"]

    wait_until(lambda: len(access_lines()) >= 3, timeout=10, what="access lines in the log")
    mine = [e for e in access_lines() if e.get("request_id") == "abc-123"]
    assert [(e["method"], e["path"], e["status"]) for e in mine] == [("GET", "/api/me", 401)]
