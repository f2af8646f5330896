"""Uploads wait in their own lane: a busy worker answers 503 with when to retry, one person's
uploads are limited, and no database connection is held while a file waits for a worker."""

import io
import threading
import time

import pytest

from core.extensions import db
from storage.pdf.complexity import ComplexityLimits
from storage.pdf.ingest import PdfLimits
from storage.workers import PdfWorkerPool
from tests import hostile_pdfs
from tests.conftest import MEETING_PACK

SLOW = PdfLimits(complexity=ComplexityLimits(max_form_invocations=10**12, max_content_bytes=10**15))


class ObservedPool(PdfWorkerPool):
    """A real pool that notes how many DB connections are out whenever an upload reaches it,
    and can hold an upload at its door until the test lets it through."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.connections_out: list[int] = []
        self.reached = threading.Event()
        self.gate = threading.Event()
        self.gate.set()

    def ingest(self, data, limits):
        self.connections_out.append(db.engine.pool.checkedout())
        self.reached.set()
        self.gate.wait(30)
        return super().ingest(data, limits)


@pytest.fixture
def meeting(create_user, create_meeting):
    return create_meeting(create_user("thuky"), delegates=[create_user("daibieu1")])


@pytest.fixture
def use_pool(app, pdf_pool):
    """Swap in a pool of this test's own; the shared one comes back afterwards."""
    runtime = app.extensions["documents"]
    pools = []

    def swap(**options) -> ObservedPool:
        pool = ObservedPool(**{"size": 2, "timeout_s": 30, "ingest_timeout_s": 8, **options})
        runtime.pool = pool
        pools.append(pool)
        return pool

    yield swap
    runtime.pool = pdf_pool
    for pool in pools:
        pool.gate.set()
        pool.close()


@pytest.fixture
def observed(use_pool):
    return use_pool()


def _upload(caller, item_id, data: bytes):
    return caller.post(
        f"/api/agenda/{item_id}/documents",
        data={"file": (io.BytesIO(data), "tai-lieu.pdf")},
        content_type="multipart/form-data",
    )


def _in_background(app, work):
    """Run `work()` in a thread of its own, as a second request would be served."""
    outcome = {}

    def run():
        with app.app_context():
            outcome["response"] = work()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_no_database_connection_is_held_while_an_upload_waits_for_a_worker(meeting, api, observed):
    response = _upload(
        api("thuky"), meeting.agenda_items[0].id, (MEETING_PACK / "chuong-trinh-ky-hop.pdf").read_bytes()
    )

    assert response.status_code == 201
    assert observed.connections_out == [0]


def test_a_second_upload_while_ones_own_first_is_processed_is_refused_with_429(app, meeting, api, observed):
    app.extensions["documents"].ingests_per_user = 1
    caller, item_id = api("thuky"), meeting.agenda_items[0].id
    data = (MEETING_PACK / "chuong-trinh-ky-hop.pdf").read_bytes()
    observed.gate.clear()
    first, outcome = _in_background(app, lambda: _upload(caller, item_id, data))
    assert observed.reached.wait(30)

    second = _upload(caller, item_id, data)
    observed.gate.set()
    first.join()

    assert second.status_code == 429
    assert second.get_json()["error"] == "too_many_uploads"
    assert second.headers["Retry-After"] == "10"
    assert outcome["response"].status_code == 201


def test_two_bombs_at_once_leave_another_delegates_page_rendering(
    app, meeting, api, use_pool, create_document
):
    """The reported attack: bombs uploaded together used to take every worker for minutes.
    Here they are let past the complexity check to show the lanes alone keep pages coming."""
    document = create_document(meeting.memberships[0].user, meeting.agenda_items[0])
    pool = use_pool(ingest_wait_s=0.5)
    app.extensions["documents"].limits = SLOW
    caller, item_id, bomb = api("thuky"), meeting.agenda_items[0].id, hostile_pdfs.form_bomb(depth=7)
    uploads = [_in_background(app, lambda: _upload(caller, item_id, bomb)) for _ in range(2)]
    while not pool._busy["long"]:
        time.sleep(0.01)

    page = api("daibieu1").get(f"/api/documents/{document.id}/pages/1/image?width=320")

    assert page.status_code == 200
    assert any(thread.is_alive() for thread, _ in uploads)  # while a bomb still held its worker
    for thread, _ in uploads:
        thread.join()
    refusals = sorted((o["response"].status_code, o["response"].get_json()["error"]) for _, o in uploads)
    assert refusals == [(422, "render_timeout"), (503, "server_busy")]
    busy = next(o["response"] for _, o in uploads if o["response"].get_json()["error"] == "server_busy")
    assert busy.headers["Retry-After"] == "30"


def test_a_page_asked_for_when_no_worker_comes_free_in_time_gets_503_with_retry_after(
    app, meeting, api, use_pool, create_document
):
    document = create_document(meeting.memberships[0].user, meeting.agenda_items[0])
    pool = use_pool(size=1, ingest_timeout_s=4, render_wait_s=0.3)  # one worker: nothing reserved
    app.extensions["documents"].limits = SLOW
    caller, item_id = api("thuky"), meeting.agenda_items[0].id
    upload, _ = _in_background(app, lambda: _upload(caller, item_id, hostile_pdfs.form_bomb(depth=7)))
    while not pool._busy["long"]:
        time.sleep(0.01)

    page = api("daibieu1").get(f"/api/documents/{document.id}/pages/1/image?width=320")
    upload.join()

    assert page.status_code == 503
    assert page.get_json()["error"] == "server_busy"
    assert page.headers["Retry-After"] == "5"
    assert "thử lại sau 5 giây" in page.get_json()["message"]
