"""Twenty clients that send a request's headers and never its body hold nothing anyone else needs.

Against the real server (`python wsgi.py`, gevent) on loopback: the stalled requests neither
take database connections nor delay another delegate; each ends with a 408 once the server's
read timeout passes.
"""

import os
import socket
import subprocess
import sys

import pytest
import requests

from tests.databases import data_env
from tests.live_server import ROOT, LiveServer

PASSWORD = "matkhau123"


@pytest.fixture(scope="module")
def accounts_template(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("accounts")
    env = {**os.environ, **data_env(data_dir), "PDF_WORKERS": "1"}
    for username in ("thuky", "daibieu1"):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "flask",
                "--app",
                "wsgi",
                "users",
                "create",
                username,
                "--password",
                PASSWORD,
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
    return data_dir


@pytest.fixture
def server(accounts_template, tmp_path, monkeypatch):
    monkeypatch.setenv("BODY_READ_TIMEOUT_S", "10")
    live = LiveServer(accounts_template, tmp_path / "data")
    live.start()
    yield live
    live.stop()


def _token(server, username: str) -> str:
    response = requests.post(
        f"{server.url}/api/login", json={"username": username, "password": PASSWORD}, timeout=10
    )
    response.raise_for_status()
    return response.json()["token"]


def _stalled_request(server, token: str) -> socket.socket:
    """Headers promising a 1,000-byte JSON body, then silence."""
    line = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    line.sendall(
        (
            "POST /api/meetings HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{server.port}\r\n"
            f"Authorization: Bearer {token}\r\n"
            "Content-Type: application/json\r\n"
            "Content-Length: 1000\r\n\r\n"
            '{"title": "'
        ).encode()
    )
    return line


def test_twenty_stalled_bodies_do_not_hold_up_another_delegate(server):
    stalled_token, other_token = _token(server, "thuky"), _token(server, "daibieu1")
    lines = [_stalled_request(server, stalled_token) for _ in range(20)]
    try:
        headers = {"Authorization": f"Bearer {other_token}"}
        for _ in range(3):  # more requests than the pool has spare connections would queue
            answer = requests.get(f"{server.url}/api/meetings", headers=headers, timeout=10)
            assert answer.status_code == 200
        created = requests.post(
            f"{server.url}/api/meetings",
            headers=headers,
            json={"title": "Kỳ họp", "starts_at": "2026-12-10T08:00:00+07:00"},
            timeout=10,
        )
        assert created.status_code == 201

        for line in lines:  # each stalled request is answered once the read timeout passes
            status_line = line.recv(200).split(b"\r\n", 1)[0]
            assert b" 408 " in status_line
    finally:
        for line in lines:
            line.close()
