"""A real server on loopback, a proxy whose line can be cut, and a delegate client with an outbox.

The client does what static/js/annotate.js does: every operation gets an op_id and waits in the
outbox until acked; after a reconnect it joins, catches up with `?since=` and resends the outbox.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import requests
import socketio

from tests.databases import MARKER, copy_data_dir, data_env

ROOT = Path(__file__).resolve().parents[1]
MEETING_PACK = ROOT.parent / "shared" / "fixtures" / "meeting"
DEMO_PASSWORD = "phonghop"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, timeout: float = 10.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def make_demo_data(data_dir: Path, pack: Path = MEETING_PACK) -> None:
    """`flask demo` once; the CLI closes its connections, so the database is complete to copy."""
    env = {**os.environ, **data_env(data_dir), "PDF_WORKERS": "1"}
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "demo", "--pack", str(pack)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )


class LiveServer:
    """`python wsgi.py` (gevent) on a free port with its own DATA_DIR; can be SIGKILLed and restarted.

    `env` adds settings (a shared DATABASE_URL, a message queue); `gunicorn=True` serves it the
    production way instead (deploy/gunicorn.conf.py, one gevent worker). `database_url` serves
    that database itself instead of a copy of the template's.
    """

    def __init__(
        self,
        template: Path,
        data_dir: Path,
        env: dict | None = None,
        gunicorn: bool = False,
        database_url: str | None = None,
    ):
        if database_url is None:
            copy_data_dir(template, data_dir)
        else:
            shutil.copytree(template, data_dir, ignore=shutil.ignore_patterns(MARKER))
            (data_dir / MARKER).write_text(database_url)
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log = data_dir / "server.log"
        self.env = env or {}
        self.gunicorn = gunicorn

    def start(self) -> None:
        env = {
            **os.environ,
            **data_env(self.data_dir),
            "PORT": str(self.port),
            "PDF_WORKERS": "1",
            **self.env,
        }
        env.pop("SOCKETIO_ASYNC_MODE", None)
        command = [sys.executable, "wsgi.py"]
        if self.gunicorn:
            env["BIND"] = f"127.0.0.1:{self.port}"
            command = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
            )
        wait_until(self._answers, timeout=30, what=f"server on {self.url} (see {self.log})")

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"server exited: {self.log.read_text()[-2000:]}")
        try:
            return requests.get(f"{self.url}/api/me", timeout=1).status_code == 401
        except (requests.ConnectionError, requests.Timeout):  # not listening yet, or still booting
            return False

    def kill(self) -> None:
        """SIGKILL the server and its PDF workers: no shutdown code runs."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def login(self, username: str) -> str:
        response = requests.post(
            f"{self.url}/api/login", json={"username": username, "password": DEMO_PASSWORD}, timeout=10
        )
        response.raise_for_status()
        return response.json()["token"]

    def get(self, path: str, token: str):
        response = requests.get(f"{self.url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        response.raise_for_status()
        return response.json()


class Proxy:
    """A TCP relay on loopback: `stall()` swallows what the server sends, `cut()` drops every line."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.stalled = threading.Event()
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self.lock:
                self.sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, True), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, downstream: bool) -> None:
        try:
            while data := source.recv(65536):
                if not (downstream and self.stalled.is_set()):
                    sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                end.close()

    def stall(self) -> None:
        self.stalled.set()

    def cut(self) -> None:
        with self.lock:
            lines, self.sockets = self.sockets, []
        for line in lines:
            with contextlib.suppress(OSError):
                line.shutdown(socket.SHUT_RDWR)
            line.close()
        self.stalled.clear()

    def close(self) -> None:
        self.cut()
        self.listener.close()


class Delegate:
    """One delegate's device: a local copy of the annotations, an outbox, and live event counts."""

    def __init__(self, server: LiveServer, url: str, username: str, document_id: int):
        self.server, self.url, self.document_id = server, url, document_id
        self.token = server.login(username)
        self.known: dict[int, dict] = {}
        self.live_created: Counter = Counter()
        self.outbox: dict[str, dict] = {}
        self.acks: dict[str, dict] = {}
        self.problems: list[str] = []
        self.synced = 0
        self.sio: socketio.Client | None = None
        self.lock = threading.Lock()

    def _merge(self, annotation: dict) -> None:
        with self.lock:
            current = self.known.get(annotation["id"])
            if current is None or current["seq"] <= annotation["seq"]:
                self.known[annotation["id"]] = annotation

    def _on_created(self, annotation: dict) -> None:
        with self.lock:
            self.live_created[annotation["id"]] += 1
        self._merge(annotation)

    def connect(self) -> None:
        """Join, catch up from the last synced seq, then resend what was never acked."""
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("annotation:created", self._on_created)
        self.sio.on("annotation:updated", self._merge)
        self.sio.on("annotation:deleted", self._merge)
        self.sio.connect(self.url, auth={"token": self.token}, transports=["websocket"], wait_timeout=10)
        joined = self.sio.call("document:join", {"document_id": self.document_id}, timeout=10)
        assert joined["ok"], joined
        changes = self.server.get(
            f"/api/documents/{self.document_id}/annotations?since={self.synced}", self.token
        )
        for annotation in changes["annotations"]:
            self._merge(annotation)
        self.synced = changes["seq"]
        for op_id, payload in list(self.outbox.items()):
            self._record(op_id, self.sio.call("annotation:create", payload, timeout=10))

    def _record(self, op_id: str, ack: dict) -> None:
        """Runs on the client's thread too, so problems are kept for the test to assert on."""
        with self.lock:
            if not ack.get("ok"):
                self.problems.append(f"{op_id} refused: {ack}")
            elif op_id in self.acks and self.acks[op_id] != ack:
                self.problems.append(f"{op_id} acked twice differently: {self.acks[op_id]} then {ack}")
            else:
                self.acks[op_id] = ack
                self.outbox.pop(op_id, None)

    def comment(self, paragraph_id: int, body: str) -> str:
        """Queue a comment and send it without waiting; the ack clears it from the outbox."""
        op_id = uuid.uuid4().hex
        payload = {
            "op_id": op_id,
            "document_id": self.document_id,
            "kind": "comment",
            "target": {"paragraph_id": paragraph_id, "quote": ""},
            "body": body,
        }
        self.outbox[op_id] = payload
        with contextlib.suppress(socketio.exceptions.SocketIOError):  # offline: it waits in the outbox
            self.sio.emit("annotation:create", payload, callback=lambda ack: self._record(op_id, ack))
        return op_id

    @property
    def connected(self) -> bool:
        return self.sio is not None and self.sio.connected

    def disconnect(self) -> None:
        if self.sio is not None:
            self.sio.disconnect()

    def bodies(self) -> Counter:
        return Counter(a.get("body") for a in self.known.values() if not a.get("deleted"))
