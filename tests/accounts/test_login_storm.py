"""A hall logs in at once while delegates already comment: nobody waits on anybody else's lock.

The real server (`python wsgi.py`, gevent, SQLite: the embedded default) in one process. 30
delegates hold the live channel and comment every 2 s, each starting at their own moment of
those 2 s as people in a hall do (15 comments a second, evenly); 120 more log in at the same
moment from one address (the hall's NAT); a monitor asks `/healthz` all the while. Before the
fix a login's uncommitted write sat across a greenlet switch and the next writer waited in
SQLite's busy handler on the event loop: every greenlet stopped for 10 s per queued login.

The summary line (`pytest -s`) gives the ack p99 before the storm and during it; the target
(≤ 500 ms during the storm) is checked by `bench/login_bench.py`, not by a timed assertion.
Delegates in lockstep (all 30 comments in the same millisecond, each heard by 30) made a burst
of 900 deliveries that took ~0.6 s with no login at all: that measured the test, not the storm.
"""

import itertools
import statistics
import threading
import time
import uuid

import pytest
import requests
import socketio

from tests.accounts.hall import HALL_PASSWORD, build_in_subprocess
from tests.databases import ON_POSTGRESQL
from tests.live_server import LiveServer

# SQLite's busy wait is what froze the loop, and the hall is built as an embedded SQLite database:
# this runs in the SQLite pass (PostgreSQL waits cooperatively in psycopg).
pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(ON_POSTGRESQL, reason="the embedded default's freeze: the SQLite pass runs it"),
]

LIVE, HALL = 30, 120
EVERY_S = 2.0  # each delegate's pace: 15 comments a second in all, as bench/login_bench.py
# Generous: a freeze is 10 s per queued login (a minute without /healthz before the fix); the
# 2-core machine the suite shares with other work is slow at times, but never stops.
NO_FREEZE_S = 8.0


@pytest.fixture(scope="module")
def hall_template(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("hall")
    return data_dir, build_in_subprocess(data_dir, LIVE, HALL)


@pytest.fixture
def server(hall_template, tmp_path):
    # Hashing threads at the loop's priority: on a machine shared with other nice-0 work, nice 10
    # starves them and the hall's logins outlast the test (core/offload.py).
    live = LiveServer(hall_template[0], tmp_path / "data", env={"OFFLOAD_NICENESS": "0"})
    live.start()
    yield live
    live.stop()


def _login(url: str, username: str) -> requests.Response:
    return requests.post(
        f"{url}/api/login", json={"username": username, "password": HALL_PASSWORD}, timeout=150
    )


class Commenter:
    """One delegate's tablet: comments every `EVERY_S` and times each ack."""

    def __init__(self, url: str, token: str, document_id: int, paragraph_ids: list[int]):
        self.sio = socketio.Client(reconnection=False)
        self.sio.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=20)
        joined = self.sio.call("document:join", {"document_id": document_id}, timeout=20)
        assert joined["ok"], joined
        self.document_id, self.paragraph_ids = document_id, paragraph_ids
        self.acks: list[tuple[float, float]] = []  # (sent at, seconds to the ack)
        self.refusals: list = []

    def run(self, until: threading.Event, first_after_s: float) -> None:
        number = 0
        until.wait(first_after_s)
        while not until.is_set():
            sent = time.monotonic()
            paragraph_id = self.paragraph_ids[number % len(self.paragraph_ids)]
            try:
                ack = self.sio.call(
                    "annotation:create",
                    {
                        "op_id": uuid.uuid4().hex,
                        "document_id": self.document_id,
                        "kind": "comment",
                        "target": {"paragraph_id": paragraph_id, "quote": ""},
                        "body": f"Ý kiến {number}",
                    },
                    timeout=60,
                )
            except socketio.exceptions.TimeoutError:
                ack = {"ok": False, "error": "no ack in 60 s"}
            except socketio.exceptions.SocketIOError as failure:  # the server dropped the line
                self.refusals.append({"ok": False, "error": repr(failure)})
                return
            elapsed = time.monotonic() - sent
            if ack.get("ok"):
                self.acks.append((sent, elapsed))
            else:
                self.refusals.append(ack)
            number += 1
            until.wait(max(0.0, EVERY_S - elapsed))


def _watch_health(url: str, until: threading.Event, answered: list[float], queued: list[dict]) -> None:
    """`/healthz` all the while, and what a waiting delegate's login page is told."""
    while not until.is_set():
        try:
            if requests.get(f"{url}/healthz", timeout=60).status_code == 200:
                answered.append(time.monotonic())
            queued.append(requests.get(f"{url}/api/login/queue", timeout=60).json())
        except requests.RequestException:
            pass
        until.wait(0.2)


def _p99_ms(seconds: list[float]) -> str:
    if len(seconds) < 2:
        return "n/a"
    return f"{statistics.quantiles(seconds, n=100, method='inclusive')[98] * 1000:.0f}"


def test_a_hall_logging_in_never_freezes_the_delegates_already_commenting(server, hall_template):
    setup = hall_template[1]
    tokens = [_login(server.url, name).json()["token"] for name in setup["live"]]
    headers = {"Authorization": f"Bearer {tokens[0]}"}
    paragraphs = requests.get(
        f"{server.url}/api/documents/{setup['document_id']}/paragraphs", headers=headers, timeout=10
    ).json()
    paragraph_ids = [p["id"] for p in paragraphs][:20]
    commenters = [Commenter(server.url, token, setup["document_id"], paragraph_ids) for token in tokens]

    done = threading.Event()
    health: list[float] = []
    queued: list[dict] = []
    workers = [
        threading.Thread(target=commenter.run, args=(done, EVERY_S * number / LIVE), daemon=True)
        for number, commenter in enumerate(commenters)
    ]
    watcher = threading.Thread(target=_watch_health, args=(server.url, done, health, queued), daemon=True)
    workers.append(watcher)
    for worker in workers:
        worker.start()
    time.sleep(2.0)  # the live load first, then the whole hall at once

    start = threading.Barrier(HALL)
    statuses: dict[str, int | str] = {}

    def log_in(name: str) -> None:
        start.wait(timeout=60)
        try:
            statuses[name] = _login(server.url, name).status_code
        except requests.RequestException as failure:
            statuses[name] = type(failure).__name__

    storm_started = time.monotonic()
    hall = [threading.Thread(target=log_in, args=(name,), daemon=True) for name in setup["hall"]]
    for person in hall:
        person.start()
    for person in hall:
        person.join(timeout=200)
    storm_s = time.monotonic() - storm_started
    time.sleep(1.0)
    done.set()
    for worker in workers:
        worker.join(timeout=90)
    for commenter in commenters:
        commenter.sio.disconnect()

    acks = [ack for c in commenters for ack in c.acks]
    before = [elapsed for sent, elapsed in acks if sent < storm_started]
    during = [elapsed for sent, elapsed in acks if storm_started <= sent <= storm_started + storm_s]
    refusals = [refusal for c in commenters for refusal in c.refusals]
    gaps = [later - earlier for earlier, later in itertools.pairwise(health)]
    summary = (
        f"storm {storm_s:.1f} s; logins {sum(s == 200 for s in statuses.values())}/{HALL}; "
        f"acks {len(acks)}, p99 {_p99_ms(before)} ms before the storm, {_p99_ms(during)} ms during it "
        f"(max {max((e for _, e in acks), default=0):.1f} s), refused {len(refusals)}; "
        f"/healthz answered {len(health)} times, longest gap {max(gaps, default=0):.1f} s; "
        f"longest queue told {max(queued, key=lambda q: q['waiting'], default=None)}"
    )
    print(summary)
    assert sorted(set(statuses.values()), key=str) == [200], (summary, statuses)
    assert not refusals, (summary, refusals[:3])
    assert during, summary
    assert max(elapsed for _, elapsed in acks) < NO_FREEZE_S, summary
    assert health, summary
    assert max(gaps, default=0) < NO_FREEZE_S, summary
    # A delegate waiting in the queue is told so, with an estimate (the login page shows it).
    assert any(q["waiting"] > 0 and q["estimate_s"] > 0 for q in queued), summary
