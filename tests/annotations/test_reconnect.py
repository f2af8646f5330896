"""Against a real server: a dropped line or a killed server loses no annotation and doubles none."""

import pytest

from tests.live_server import Delegate, LiveServer, Proxy, make_demo_data, wait_until

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("demo")
    make_demo_data(data_dir)
    return data_dir


@pytest.fixture
def server(demo_template, tmp_path):
    live = LiveServer(demo_template, tmp_path / "data")
    live.start()
    yield live
    live.stop()


@pytest.fixture
def proxy(server):
    relay = Proxy(server.port)
    yield relay
    relay.close()


@pytest.fixture
def document(server):
    token = server.login("delegate1")
    meeting = server.get("/api/meetings", token)[0]
    document_id = server.get(f"/api/meetings/{meeting['id']}", token)["agenda"][0]["documents"][0]["id"]
    paragraphs = server.get(f"/api/documents/{document_id}/paragraphs", token)
    return document_id, [p["id"] for p in paragraphs]


@pytest.fixture
def delegates(server, document):
    """Opened per test, closed at its end, whatever the test did to their lines."""
    opened = []

    def open_device(url: str, username: str) -> Delegate:
        device = Delegate(server, url, username, document[0])
        device.connect()
        opened.append(device)
        return device

    yield open_device
    for device in opened:
        device.disconnect()


def _assert_each_exactly_once(server, reader_token, document_id, bodies):
    stored = server.get(f"/api/documents/{document_id}/annotations?since=0", reader_token)["annotations"]
    counts = dict.fromkeys(bodies, 0)
    for annotation in stored:
        counts[annotation["body"]] = counts.get(annotation["body"], 0) + 1
    assert counts == dict.fromkeys(bodies, 1)
    return {a["id"] for a in stored}


def test_a_line_dropped_mid_stream_loses_and_doubles_nothing(server, proxy, document, delegates):
    document_id, paragraph_ids = document
    author = delegates(proxy.url, "delegate1")
    cut_reader = delegates(proxy.url, "delegate2")
    steady_reader = delegates(server.url, "delegate3")
    bodies = [f"Ý kiến số {n}" for n in range(60)]

    for body in bodies[:20]:
        author.comment(paragraph_ids[0], body)
    wait_until(lambda: len(author.acks) == 20, what="the first acks")
    proxy.stall()  # the server still gets these and stores them, but their acks never arrive
    for body in bodies[20:40]:
        author.comment(paragraph_ids[1], body)
    wait_until(lambda: len(steady_reader.live_created) == 40, what="the stalled ops to be stored")
    proxy.cut()
    wait_until(lambda: not author.connected and not cut_reader.connected, what="the clients to notice")
    for body in bodies[40:]:
        author.comment(paragraph_ids[2], body)  # offline: into the outbox
    assert len(author.outbox) == 40

    author.connect()
    cut_reader.connect()
    wait_until(lambda: not author.outbox, what="the outbox to drain")

    stored_ids = _assert_each_exactly_once(server, steady_reader.token, document_id, bodies)
    assert author.problems == []
    assert {ack["id"] for ack in author.acks.values()} == stored_ids
    wait_until(lambda: set(steady_reader.known) == stored_ids, what="the steady reader's live copy")
    assert set(steady_reader.live_created.values()) == {1}
    wait_until(lambda: set(cut_reader.known) == stored_ids, what="the cut reader's catch-up")
    assert set(author.known) == stored_ids
    assert cut_reader.bodies() == dict.fromkeys(bodies, 1)


def test_killing_the_server_after_an_ack_loses_nothing(server, document, delegates):
    document_id, paragraph_ids = document
    author = delegates(server.url, "delegate1")
    reader = delegates(server.url, "delegate2")
    bodies = [f"Góp ý {n}" for n in range(60)]

    for body in bodies[:30]:
        author.comment(paragraph_ids[0], body)
    wait_until(lambda: len(author.acks) >= 10, what="some acks")
    server.kill()
    acked_before_kill = {ack["id"] for ack in author.acks.values()}
    wait_until(lambda: not author.connected and not reader.connected, what="the clients to notice")
    for body in bodies[30:]:
        author.comment(paragraph_ids[1], body)

    server.start()
    survived = {
        a["id"] for a in server.get(f"/api/documents/{document_id}/annotations", reader.token)["annotations"]
    }
    assert acked_before_kill <= survived
    author.connect()
    reader.connect()
    wait_until(lambda: not author.outbox, what="the outbox to drain")

    stored_ids = _assert_each_exactly_once(server, reader.token, document_id, bodies)
    assert author.problems == []
    assert {ack["id"] for ack in author.acks.values()} == stored_ids
    wait_until(lambda: set(reader.known) == stored_ids, what="the reader's catch-up")
    assert reader.bodies() == dict.fromkeys(bodies, 1)
