"""A process dies mid-sitting and its delegates lose and double nothing.

Two gunicorn processes behind the shipped nginx sample, as a province runs them. A delegate comments
in chromium through the real reader while the process holding her live connection is SIGKILLed,
master and worker together (no shutdown code runs, nothing restarts it). Her outbox keeps what was
not acked, her page reconnects through nginx to the survivor, and the survivor's op_id ledger
answers a comment it already stored with its first ack: every comment is stored once, shown once,
and heard live once by a delegate on the surviving process.
"""

import re
from collections import Counter
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from core.node import NODE_COOKIE
from tests.browsers import TABLET, Devices, chromium
from tests.cluster.conftest import wait_for_subscribers
from tests.cluster.nginx_server import SAMPLE_PORTS, Nginx
from tests.cluster.test_across_processes import _demo_document
from tests.live_server import Delegate, LiveServer, wait_until

pytestmark = pytest.mark.server

# What a browser says when the process behind its socket vanishes; anything else is a bug.
FAILOVER_NOISE = re.compile(r"WebSocket connection to .* failed")
BEFORE, WHILE_DOWN, AFTER = 6, 5, 5

# The page's own live connection (static/js/app.js), watched from outside the app's code.
WATCH_SOCKET = """() => {
  const socket = window.PH.live();
  window.heard = {};
  window.links = { connects: 0, disconnects: 0 };
  socket.on("annotation:created", (a) => { window.heard[a.body] = (window.heard[a.body] || 0) + 1; });
  socket.on("connect", () => { window.links.connects += 1; });
  socket.on("disconnect", () => { window.links.disconnects += 1; });
}"""
CONNECTED = "() => window.PH.live().connected"
WEBSOCKET_LINE = re.compile(r'transport=websocket HTTP/[\d.]+" 101 \d+ [\d.]+ (.+) rid=')


@pytest.fixture
def province(start_nodes, tmp_path):
    """Two production processes (gunicorn, one gevent worker each) named by the sample's ports."""
    first = start_nodes(1, gunicorn=True, NODE_ID=SAMPLE_PORTS[0])[0]
    second = start_nodes(1, gunicorn=True, NODE_ID=SAMPLE_PORTS[1])[0]
    proxy = Nginx(tmp_path / "nginx", [first.port, second.port])
    proxy.start()
    yield proxy, {SAMPLE_PORTS[0]: first, SAMPLE_PORTS[1]: second}
    proxy.stop()


@pytest.fixture(scope="session")
def browser():
    # nginx's certificate is the test's own; the service worker's script is fetched outside the
    # page's context, where Playwright's `ignore_https_errors` does not reach.
    with chromium("--ignore-certificate-errors") as launched:
        yield launched


@pytest.fixture
def tablets(browser, province):
    """Delegates' tablets on the proxy's https address (its certificate is the test's own)."""
    proxy, _ = province
    devices = Devices(browser, proxy.url, noise=FAILOVER_NOISE, ignore_https_errors=True)
    yield devices
    devices.close()
    assert devices.errors == [], "\n".join(devices.errors)


def _draft_resolution(page) -> tuple[int, str]:
    meeting = page.request.get("/api/meetings").json()[0]
    agenda = page.request.get(f"/api/meetings/{meeting['id']}").json()["agenda"]
    return next(d["id"] for item in agenda for d in item["documents"] if "LẦN 2" in d["title"].upper())


def _node_of(page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == NODE_COOKIE)


def _open_reader(page, document_id: int) -> None:
    page.goto(f"/documents/{document_id}?view=pages")
    expect(page.locator('.page[data-page="1"] .pmark').first).to_be_visible()
    page.wait_for_function(CONNECTED)
    page.evaluate(WATCH_SOCKET)


def _write(page, body: str) -> bool:
    """Comment through the composer; whether the page's socket was up when it was sent."""
    page.locator("[data-composer] textarea").fill(body)
    page.locator("[data-composer] button[type=submit]").click()
    return page.evaluate(CONNECTED)


def _worker_of(node: LiveServer) -> int:
    """gunicorn's one worker, the process that holds the sockets (its master only watches it)."""
    tasks = Path(f"/proc/{node.process.pid}/task")
    children = {int(pid) for task in tasks.iterdir() for pid in (task / "children").read_text().split()}
    assert len(children) == 1, children
    return children.pop()


def _websockets_closed(log: list[str]) -> list[str]:
    """The process (`$upstream_addr`) behind each WebSocket in these lines of nginx's log."""
    found = (WEBSOCKET_LINE.search(line) for line in log)
    return [match.group(1) for match in found if match]


def _gone(pid: int) -> bool:
    """Exited (a zombie no one has reaped yet counts: it runs no code and holds no socket)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].startswith(("Z", "X"))
    except FileNotFoundError:
        return True


@pytest.mark.browser
def test_a_killed_process_loses_and_doubles_none_of_a_delegates_comments(province, tablets):
    proxy, nodes = province
    author = tablets.open(TABLET, "delegate1")
    document_id = _draft_resolution(author)
    _open_reader(author, document_id)
    doomed = _node_of(author)  # nginx routes her requests, the socket's too, by this cookie
    survivor = nodes[next(port for port in nodes if port != doomed)]
    reader = tablets.open(TABLET, "delegate2", cookies={NODE_COOKIE: next(p for p in nodes if p != doomed)})
    _open_reader(reader, document_id)
    reader.locator("[data-panel='comments']").click()  # every comment of the document, live

    author.wait_for_timeout(600)  # a tap is judged after the selection it may start has settled
    author.locator('.page[data-page="1"] .pmark').nth(8).tap()
    bodies = [f"Ý kiến số {n}: làm rõ nguồn kinh phí." for n in range(1, BEFORE + WHILE_DOWN + AFTER + 1)]
    for body in bodies[: BEFORE - 2]:
        _write(author, body)
    expect(reader.locator("#annot-panel .comment-body")).to_have_count(BEFORE - 2)
    worker = _worker_of(nodes[doomed])
    for body in bodies[BEFORE - 2 : BEFORE]:
        _write(author, body)  # in flight, perhaps stored, perhaps acked, when the process dies
    logged = len(proxy.access_log())
    nodes[doomed].kill()  # SIGKILL to master and worker at once: nothing restarts it
    wait_until(lambda: _gone(worker), what="the killed worker to exit")

    author.wait_for_function(f"() => !({CONNECTED[6:]})")
    # The page comes back 1-3 s later (jittered): these go to the outbox, or out as it reconnects.
    sent_while_down = [_write(author, body) for body in bodies[BEFORE : BEFORE + WHILE_DOWN]]
    assert not all(sent_while_down)
    author.wait_for_function(CONNECTED, timeout=30_000)  # through nginx, to the survivor
    for body in bodies[BEFORE + WHILE_DOWN :]:
        _write(author, body)

    expect(author.locator("#annot-panel article.comment:not(.pending) .comment-body")).to_have_count(
        len(bodies), timeout=30_000
    )
    expect(author.locator(".annot-bar [data-status]")).to_have_text("")  # nothing waits to be sent
    assert Counter(author.locator("#annot-panel .comment-body").all_inner_texts()) == Counter(bodies)
    expect(reader.locator("#annot-panel .comment-body")).to_have_count(len(bodies), timeout=30_000)
    assert Counter(reader.locator("#annot-panel .comment-body").all_inner_texts()) == Counter(bodies)
    # Heard live by a delegate who never lost her connection: each at least once (a comment
    # resent to the survivor is announced again, in case its process died before announcing it).
    assert set(reader.evaluate("() => window.heard")) == set(bodies)
    assert reader.evaluate("() => window.links") == {"connects": 0, "disconnects": 0}

    token = survivor.login("delegate1")
    stored = requests.get(
        f"{survivor.url}/api/documents/{document_id}/annotations?since=0",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()["annotations"]
    assert Counter(a["body"] for a in stored if a["kind"] == "comment") == Counter(bodies)
    # nginx logs a WebSocket as it closes: the one the kill closed was hers, on that process.
    assert _websockets_closed(proxy.access_log()[logged:])[0] == f"127.0.0.1:{nodes[doomed].port}"


def test_comments_in_flight_when_their_process_dies_are_stored_once_through_the_survivor(
    start_nodes, redis_server
):
    """The same at the Socket.IO level, with many more operations in flight at the kill: some
    committed and acked, some committed and never acked (or announced), some never received."""
    doomed, survivor = start_nodes(2, gunicorn=True)
    _, document_id, paragraph_id = _demo_document(survivor)
    author = Delegate(doomed, doomed.url, "delegate1", document_id)
    reader = Delegate(survivor, survivor.url, "delegate2", document_id)
    author.connect()
    reader.connect()
    wait_for_subscribers(redis_server, 2)
    bodies = [f"Góp ý {n}" for n in range(60)]
    try:
        for body in bodies[:40]:
            author.comment(paragraph_id, body)  # sent at once, not waiting for the acks
        wait_until(lambda: len(author.acks) >= 10, what="some acks")
        doomed.kill()
        acked_before_kill = {ack["id"] for ack in list(author.acks.values())}
        assert len(acked_before_kill) < 40, "every comment was acked before the kill: nothing was in flight"
        wait_until(lambda: not author.connected, what="the author's device to notice")
        for body in bodies[40:]:
            author.comment(paragraph_id, body)  # into the outbox

        author.server, author.url = survivor, survivor.url  # where the balancer now sends her
        author.connect()  # joins, catches up, resends the outbox
        wait_until(lambda: not author.outbox, what="the outbox to drain")

        stored = survivor.get(f"/api/documents/{document_id}/annotations?since=0", reader.token)
        assert Counter(a["body"] for a in stored["annotations"]) == Counter(bodies)
        stored_ids = {a["id"] for a in stored["annotations"]}
        assert author.problems == []
        assert {ack["id"] for ack in author.acks.values()} == stored_ids
        # Heard live, all of them, by a delegate who never lost her connection: one the killed
        # process stored but never announced is announced by the survivor when it is resent.
        wait_until(lambda: set(reader.live_created) == stored_ids, what="every comment, live")
        assert {reader.live_created[i] for i in acked_before_kill} == {1}  # never resent
        assert reader.bodies() == dict.fromkeys(bodies, 1)
        assert reader.connected
    finally:
        author.disconnect()
        reader.disconnect()
