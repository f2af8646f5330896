"""Two server processes on one Redis behave as one server to the people using them.

A delegate whose tablet reached process B and a secretary whose laptop reached process A are in
the same meeting: everything one does that the other should notice crosses between processes.
"""

import threading
import uuid

import pytest
import requests
import socketio

from tests.cluster.conftest import wait_for_subscribers
from tests.live_server import DEMO_PASSWORD, LiveServer, wait_until

pytestmark = pytest.mark.server


class Device:
    """One person's live connection to one process, keeping every event it receives."""

    def __init__(self, node: LiveServer, username: str):
        self.node, self.username = node, username
        self.token = node.login(username)
        self.events: list[tuple[str, dict]] = []
        self.lock = threading.Lock()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("*", self._record)
        self.sio.connect(node.url, auth={"token": self.token}, transports=["websocket"], wait_timeout=10)

    def _record(self, event, payload=None):
        with self.lock:
            self.events.append((event, payload))

    def received(self, event: str) -> list[dict]:
        with self.lock:
            return [payload for name, payload in self.events if name == event]

    def join(self, document_id: int) -> dict:
        ack = self.sio.call("document:join", {"document_id": document_id}, timeout=10)
        assert ack["ok"], ack
        return ack

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()


@pytest.fixture
def devices():
    opened: list[Device] = []

    def open_device(node: LiveServer, username: str) -> Device:
        device = Device(node, username)
        opened.append(device)
        return device

    yield open_device
    for device in opened:
        device.close()


def _demo_document(node: LiveServer) -> tuple[int, int, int]:
    """The demo meeting's id, its first document's id and that document's first paragraph."""
    token = node.login("secretary")
    meeting = node.get("/api/meetings", token)[0]
    document_id = node.get(f"/api/meetings/{meeting['id']}", token)["agenda"][0]["documents"][0]["id"]
    paragraph_id = node.get(f"/api/documents/{document_id}/paragraphs", token)[0]["id"]
    return meeting["id"], document_id, paragraph_id


def _comment(document_id: int, paragraph_id: int, body: str) -> dict:
    return {
        "op_id": uuid.uuid4().hex,
        "document_id": document_id,
        "kind": "comment",
        "target": {"paragraph_id": paragraph_id, "quote": ""},
        "body": body,
        "visibility": "shared",
    }


def _user_id(node: LiveServer, username: str) -> int:
    return node.get("/api/me", node.login(username))["id"]


def test_a_shared_comment_made_on_one_process_reaches_a_delegate_on_another(
    start_nodes, redis_server, devices
):
    a, b = start_nodes(2)
    _, document_id, paragraph_id = _demo_document(a)
    author, reader = devices(a, "delegate1"), devices(b, "delegate2")
    author.join(document_id)
    reader.join(document_id)
    wait_for_subscribers(redis_server, 2)

    ack = author.sio.call(
        "annotation:create", _comment(document_id, paragraph_id, "Đề nghị làm rõ"), timeout=10
    )

    assert ack["ok"], ack
    wait_until(lambda: reader.received("annotation:created"), timeout=10, what="the comment on process B")
    created = reader.received("annotation:created")
    assert [(c["id"], c["body"]) for c in created] == [(ack["id"], "Đề nghị làm rõ")]


def test_readers_on_two_processes_see_each_other_and_the_page_each_is_on(start_nodes, redis_server, devices):
    a, b = start_nodes(2)
    _, document_id, _ = _demo_document(a)
    on_a, on_b = devices(a, "delegate1"), devices(b, "delegate2")
    on_a.join(document_id)
    wait_for_subscribers(redis_server, 1)
    on_b.join(document_id)
    wait_for_subscribers(redis_server, 2)
    delegate1, delegate2 = _user_id(a, "delegate1"), _user_id(a, "delegate2")

    on_b.sio.call("presence:update", {"document_id": document_id, "page": 2}, timeout=10)

    def seen_by_a() -> dict:
        latest = on_a.received("presence")
        return {u["user_id"]: u["page"] for u in latest[-1]["users"]} if latest else {}

    wait_until(
        lambda: seen_by_a() == {delegate1: None, delegate2: 2}, timeout=10, what="B's reader seen on A"
    )

    on_b.close()
    wait_until(lambda: seen_by_a() == {delegate1: None}, timeout=10, what="B's reader gone on A")


def test_removing_a_member_on_one_process_drops_their_connection_on_another(
    start_nodes, redis_server, devices
):
    a, b = start_nodes(2)
    meeting_id, document_id, _ = _demo_document(a)
    removed, staying = devices(b, "delegate3"), devices(b, "delegate4")
    removed.join(document_id)
    wait_for_subscribers(redis_server, 1)
    devices(a, "chair")  # process A on the queue too
    wait_for_subscribers(redis_server, 2)

    response = requests.delete(
        f"{a.url}/api/meetings/{meeting_id}/members/{_user_id(a, 'delegate3')}",
        headers={"Authorization": f"Bearer {a.login('secretary')}"},
        timeout=10,
    )

    assert response.status_code in (200, 204), response.text
    wait_until(lambda: not removed.sio.connected, timeout=10, what="the removed member's socket dropped on B")
    assert removed.received("meeting:removed") == [{"id": meeting_id}]
    assert staying.sio.connected


def test_logging_out_on_one_process_drops_that_logins_connection_on_another(
    start_nodes, redis_server, devices
):
    a, b = start_nodes(2)
    phone, tablet = devices(b, "delegate1"), devices(b, "delegate1")
    devices(a, "chair")
    wait_for_subscribers(redis_server, 2)

    response = requests.post(
        f"{a.url}/api/logout", headers={"Authorization": f"Bearer {phone.token}"}, timeout=10
    )

    assert response.status_code == 200
    wait_until(lambda: not phone.sio.connected, timeout=10, what="the logged-out login's socket dropped on B")
    assert tablet.sio.connected


def test_disabling_an_account_on_one_process_drops_its_connections_on_another(
    start_nodes, redis_server, devices
):
    a, b = start_nodes(2)
    disabled = devices(b, "delegate2")
    devices(a, "chair")
    wait_for_subscribers(redis_server, 2)

    response = requests.patch(
        f"{a.url}/api/users/{_user_id(a, 'delegate2')}",
        json={"is_active": False},
        headers={"Authorization": f"Bearer {a.login('admin')}"},
        timeout=10,
    )

    assert response.status_code == 200, response.text
    wait_until(
        lambda: not disabled.sio.connected, timeout=10, what="the disabled account's socket dropped on B"
    )


def test_withdrawing_a_document_on_one_process_tells_its_readers_on_another(
    start_nodes, redis_server, devices
):
    a, b = start_nodes(2)
    _, document_id, _ = _demo_document(a)
    reader = devices(b, "delegate5")
    reader.join(document_id)
    devices(a, "chair")
    wait_for_subscribers(redis_server, 2)

    response = requests.delete(
        f"{a.url}/api/documents/{document_id}",
        headers={"Authorization": f"Bearer {a.login('secretary')}"},
        timeout=10,
    )

    assert response.status_code in (200, 204), response.text
    wait_until(lambda: reader.received("document:withdrawn"), timeout=10, what="the withdrawal on B")
    assert reader.received("document:withdrawn") == [{"document_id": document_id}]
    assert (
        reader.sio.call("presence:update", {"document_id": document_id, "page": 1}, timeout=10)["ok"] is False
    )


def test_failed_logins_count_together_whichever_process_they_reach(start_nodes):
    a, b = start_nodes(2, LOGIN_LIMIT_PER_ACCOUNT="3/minute")

    def wrong_password(node: LiveServer) -> int:
        return requests.post(
            f"{node.url}/api/login", json={"username": "delegate1", "password": "sai-mat-khau"}, timeout=10
        ).status_code

    assert [wrong_password(a), wrong_password(b), wrong_password(a)] == [401, 401, 401]
    assert wrong_password(b) == 429
    right = requests.post(
        f"{a.url}/api/login", json={"username": "delegate1", "password": DEMO_PASSWORD}, timeout=10
    )
    assert right.status_code == 429
