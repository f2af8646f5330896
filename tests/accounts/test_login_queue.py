"""The login queue of a hall: a tablet that logged in before goes ahead of the crowd, and a
flood of wrong names is counted exactly, however many arrive at the same moment.

The real server (`python wsgi.py`, gevent), on the hall's own database in either pass.
"""

import threading

import pytest
import requests

from tests.accounts.hall import HALL_PASSWORD, build_in_subprocess
from tests.live_server import LiveServer, wait_until

pytestmark = pytest.mark.server

HALL = 30


@pytest.fixture(scope="module")
def hall_template(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("queue-hall")
    return data_dir, build_in_subprocess(data_dir, 0, HALL + 1)


@pytest.fixture
def start_server(hall_template, tmp_path):
    """The hall's server with this many hashing threads, at the loop's priority (other work on a
    shared machine must not starve them, core/offload.py)."""
    started = []

    def start(hashing_threads: int) -> LiveServer:
        env = {"OFFLOAD_THREADS": str(hashing_threads), "OFFLOAD_NICENESS": "0"}
        live = LiveServer(hall_template[0], tmp_path / "data", env=env)
        started.append(live)
        live.start()
        return live

    yield start
    for live in started:
        live.stop()


def _login(session: requests.Session, url: str, username: str, password: str = HALL_PASSWORD):
    return session.post(f"{url}/api/login", json={"username": username, "password": password}, timeout=120)


def _all_at_once(jobs) -> list[threading.Thread]:
    start = threading.Barrier(len(jobs))

    def run(job):
        start.wait(timeout=60)
        job()

    threads = [threading.Thread(target=run, args=(job,), daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    return threads


def test_a_tablet_that_logged_in_before_goes_ahead_of_a_hall_queueing_to_log_in(start_server, hall_template):
    server = start_server(hashing_threads=1)  # the queue forms
    regular, *hall = hall_template[1]["hall"]
    tablet = requests.Session()  # the delegate's own tablet: it logged in yesterday
    assert _login(tablet, server.url, regular).status_code == 200

    finished: list[str] = []
    lock = threading.Lock()

    def log_in(name: str, session: requests.Session) -> None:
        answer = _login(session, server.url, name)
        with lock:
            finished.append(name if answer.status_code == 200 else f"{name}: {answer.status_code}")

    crowd = _all_at_once([lambda name=name: log_in(name, requests.Session()) for name in hall])
    wait_until(
        lambda: requests.get(f"{server.url}/api/login/queue", timeout=10).json()["waiting"] >= HALL // 2,
        timeout=60,
        what="the hall queueing at the login gate",
    )
    log_in(regular, tablet)
    for person in crowd:
        person.join(timeout=120)

    assert sorted(finished) == sorted([regular, *hall]), finished  # everyone is in
    # Half the hall was still waiting when the tablet asked; it was let in at the next turn.
    assert finished.index(regular) < HALL // 4, finished


def test_a_flood_of_unknown_names_at_one_moment_is_counted_exactly(start_server):
    server = start_server(hashing_threads=4)  # failures finish side by side, as on a province's server
    names = [f"khongco{n}" for n in range(40)]
    answers: list[int] = []
    threads = _all_at_once(
        [
            lambda name=name: answers.append(_login(requests.Session(), server.url, name).status_code)
            for name in names
        ]
    )
    for thread in threads:
        thread.join(timeout=120)
    assert answers == [401] * len(names)

    admin = requests.Session()
    assert _login(admin, server.url, "quantri").status_code == 200
    failed = admin.get(f"{server.url}/api/audit?action=login_failed", timeout=10).json()
    # One row per 10-minute window: two if the flood straddled the turn of a window.
    assert 1 <= len(failed) <= 2, failed
    assert {row["detail"]["reason"] for row in failed} == {"unknown_user"}
    assert sum(row["detail"]["count"] for row in failed) == len(names)
    assert {name for row in failed for name in row["detail"]["usernames"]} <= set(names)
