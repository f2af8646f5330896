"""Two processes behind the shipped nginx sample, as a province runs them: delegates reach either,
a long-polling client stays with its process, live events cross, static files are cached."""

import threading

import pytest
import requests
import socketio

from core.assets import load_bundles
from core.node import NODE_COOKIE
from tests.cluster.conftest import wait_for_subscribers
from tests.cluster.nginx_server import SAMPLE_PORTS, Nginx
from tests.cluster.test_across_processes import Device, _comment, _demo_document
from tests.live_server import ROOT, wait_until

pytestmark = pytest.mark.server


@pytest.fixture
def behind_nginx(start_nodes, tmp_path):
    first = start_nodes(1, NODE_ID=SAMPLE_PORTS[0])[0]
    second = start_nodes(1, NODE_ID=SAMPLE_PORTS[1])[0]
    proxy = Nginx(tmp_path / "nginx", [first.port, second.port])
    proxy.start()
    yield proxy, {SAMPLE_PORTS[0]: first, SAMPLE_PORTS[1]: second}
    proxy.stop()


def _client_through(session) -> tuple[socketio.Client, list]:
    received: list = []
    lock = threading.Lock()
    client = socketio.Client(reconnection=False, http_session=session)

    @client.on("annotation:created")
    def _created(payload):
        with lock:
            received.append(payload)

    return client, received


@pytest.mark.parametrize("transport", ["polling", "websocket"])
def test_a_delegate_through_nginx_hears_a_comment_made_on_the_other_process(
    behind_nginx, redis_server, transport
):
    proxy, nodes = behind_nginx
    session = proxy.session()
    session.get(f"{proxy.url}/login", timeout=10)  # the first page names a process
    mine = session.cookies.get(NODE_COOKIE)
    assert mine in nodes
    other = nodes[next(n for n in nodes if n != mine)]
    token = session.post(
        f"{proxy.url}/api/login", json={"username": "delegate1", "password": "phonghop"}, timeout=10
    ).json()["token"]
    _, document_id, paragraph_id = _demo_document(other)
    reader, received = _client_through(session)
    reader.connect(proxy.url, auth={"token": token}, transports=[transport], wait_timeout=10)
    author = Device(other, "delegate2")
    try:
        assert reader.call("document:join", {"document_id": document_id}, timeout=10)["ok"]
        author.join(document_id)
        wait_for_subscribers(redis_server, 2)

        ack = author.sio.call(
            "annotation:create", _comment(document_id, paragraph_id, "Qua nginx"), timeout=10
        )

        assert ack["ok"], ack
        wait_until(lambda: received, timeout=10, what="the comment through nginx")
        assert [c["body"] for c in received] == ["Qua nginx"]
        assert reader.connected  # every poll reached the process holding the session
    finally:
        author.close()
        reader.disconnect()


def test_static_files_of_the_current_build_are_cached_for_a_year_and_others_revalidated(behind_nginx):
    proxy, _ = behind_nginx
    session = proxy.session()
    page = session.get(f"{proxy.url}/login", timeout=10).text
    current = next(part.split("/")[0] for part in page.split("/static/")[1:] if "/" in part)

    fresh = session.get(f"{proxy.url}/static/{current}/js/app.js", timeout=10)
    stale = session.get(f"{proxy.url}/static/0123456789ab/js/app.js", timeout=10)

    assert fresh.status_code == 200
    assert fresh.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert stale.status_code == 200
    assert stale.headers["Cache-Control"] == "no-cache"
    assert stale.content == fresh.content


def test_nginx_serves_every_static_file_as_the_app_itself_would(behind_nginx):
    """The bundles in place of their modules (and their chunks, which exist only in static/dist),
    ES modules as JavaScript (a module sent as text/plain is refused by the browser)."""
    proxy, nodes = behind_nginx
    app = next(iter(nodes.values()))
    session = proxy.session()
    page = session.get(f"{proxy.url}/login", timeout=10).text
    current = next(part.split("/")[0] for part in page.split("/static/")[1:] if "/" in part)
    static = ROOT / "static"
    names = {p.relative_to(static).as_posix() for p in static.rglob("*") if p.is_file()}
    names = {name for name in names if not name.startswith("dist/")}
    bundles = load_bundles(static, ROOT / "templates")
    names |= bundles.files if bundles else set()

    differ = []
    for name in sorted(names):
        direct = requests.get(f"{app.url}/static/{current}/{name}", timeout=10)
        proxied = session.get(f"{proxy.url}/static/{current}/{name}", timeout=10)
        script = name.endswith((".js", ".mjs"))
        if (proxied.status_code, proxied.content) != (direct.status_code, direct.content) or (
            script and "javascript" not in proxied.headers["Content-Type"]
        ):
            differ.append(f"{name}: {proxied.status_code} {proxied.headers['Content-Type']}")
    assert differ == []


def test_nginx_passes_the_request_id_it_logs_to_the_app_and_back(behind_nginx):
    proxy, _ = behind_nginx
    response = proxy.session().get(f"{proxy.url}/api/me", timeout=10)
    assert response.status_code == 401
    request_id = response.headers["X-Request-Id"]  # answered by the app
    assert len(request_id) == 32  # nginx's $request_id
    wait_until(
        lambda: f"rid={request_id}" in (proxy.directory / "phonghop.access.log").read_text(),
        timeout=10,
        what="the request id in nginx's log",
    )
