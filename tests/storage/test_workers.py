"""PDF work in worker processes: same results, bounded time, crashes contained, the server never stalls."""

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pymupdf
import pytest

from storage.pdf import render
from storage.pdf.complexity import ComplexityLimits
from storage.pdf.ingest import PdfLimits, PdfRejected, ingest_pdf
from storage.pdf.render import render_page
from storage.workers import PdfWorkerPool, RenderTimeout, ServerBusy, WorkerCrashed
from tests import hostile_pdfs

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / ".." / "shared" / "fixtures"
REPORT = str(FIXTURES / "meeting" / "bao-cao-kinh-te-xa-hoi.pdf")


@pytest.fixture(scope="module")
def pool():
    pool = PdfWorkerPool(size=2, timeout_s=30)
    yield pool
    pool.close()


@pytest.fixture(scope="module")
def slow_pdf(tmp_path_factory) -> str:
    """One page of 20,000 page-sized fills: tens of seconds to rasterize at tablet width."""
    path = tmp_path_factory.mktemp("slow") / "slow.pdf"
    document = pymupdf.open()
    page = document.new_page(width=200, height=200)
    xref = document.get_new_xref()
    document.update_object(xref, "<<>>")
    document.update_stream(xref, b"0.5 g 0 0 200 200 re f\n" * 20_000)
    page.set_contents(xref)
    document.save(path, deflate=True)
    return str(path)


def worker_pids() -> set[int]:
    """This test process's live PDF worker children, as the OS lists them."""
    pids = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        for pid in (task / "children").read_text().split():
            try:
                if b"storage.pdf_worker" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    pids.add(int(pid))
            except FileNotFoundError:
                continue
    return pids


@pytest.mark.parametrize(("page", "fmt"), [(1, "auto"), (9, "auto"), (11, "png"), (4, "svg")])
def test_a_page_rendered_by_the_pool_is_the_same_as_rendering_it_directly(pool, page, fmt):
    assert pool.render(REPORT, page, 640, fmt) == render_page(REPORT, page, 640, fmt)


def test_the_server_process_never_opens_the_document_itself(pool, tmp_path):
    path = str(shutil.copy(REPORT, tmp_path / "report.pdf"))

    pool.render(path, 1, 640, "auto")

    assert path not in render._open_documents


def test_workers_start_only_when_a_page_is_first_needed():
    before = worker_pids()
    pool = PdfWorkerPool(size=2, timeout_s=30)
    try:
        assert worker_pids() == before
        for page in (1, 2, 3):
            pool.render(REPORT, page, 320, "svg")
        assert len(worker_pids() - before) == 1
    finally:
        pool.close()


def test_a_page_that_renders_too_long_is_cut_off_and_the_pool_keeps_serving(slow_pdf):
    pool = PdfWorkerPool(size=1, timeout_s=1.0)
    try:
        pool.render(REPORT, 1, 320, "svg")
        started = time.monotonic()

        with pytest.raises(RenderTimeout) as cut_off:
            pool.render(slow_pdf, 1, 1536, "png")

        assert cut_off.value.code == "render_timeout"
        # The page needs ~40 s; far less means it was cut off (loose, so a busy CI machine passes).
        assert time.monotonic() - started < 20
        assert pool.render(REPORT, 1, 320, "svg") == render_page(REPORT, 1, 320, "svg")
    finally:
        pool.close()


def test_a_worker_that_dies_mid_job_is_reported_and_replaced(slow_pdf):
    before = worker_pids()
    pool = PdfWorkerPool(size=1, timeout_s=30)
    try:
        pool.render(REPORT, 1, 320, "svg")
        (worker,) = worker_pids() - before
        threading.Timer(0.5, os.kill, (worker, signal.SIGKILL)).start()

        with pytest.raises(WorkerCrashed) as crashed:
            pool.render(slow_pdf, 1, 1536, "png")

        assert crashed.value.code == "worker_crashed"
        assert pool.render(REPORT, 2, 320, "svg") == render_page(REPORT, 2, 320, "svg")
        assert worker not in worker_pids()
    finally:
        pool.close()


def test_a_page_the_document_lacks_fails_cleanly_and_the_pool_keeps_serving(pool):
    with pytest.raises(WorkerCrashed, match="worker_crashed") as failed:
        pool.render(REPORT, 29, 640, "png")

    assert "not in 1..28" in failed.value.params["reason"]
    assert pool.render(REPORT, 28, 320, "svg").mimetype == "image/svg+xml"


def test_callers_wait_for_a_free_worker_and_each_gets_their_own_page(pool):
    pages = range(1, 9)
    results = {}

    def read(page):
        results[page] = pool.render(REPORT, page, 320, "auto")

    readers = [threading.Thread(target=read, args=(page,)) for page in pages]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()

    assert results == {page: render_page(REPORT, page, 320, "auto") for page in pages}


def test_closing_the_pool_stops_its_workers_and_refuses_new_work():
    before = worker_pids()
    pool = PdfWorkerPool(size=2, timeout_s=30)
    pool.render(REPORT, 1, 320, "svg")

    pool.close()
    pool.close()

    assert worker_pids() == before
    with pytest.raises(RuntimeError, match="closed"):
        pool.render(REPORT, 1, 320, "svg")


def test_an_upload_is_ingested_in_a_worker_with_the_same_result_as_in_process(pool):
    data = Path(REPORT).read_bytes()

    assert pool.ingest(data, PdfLimits()) == ingest_pdf(data, PdfLimits())


@pytest.mark.parametrize("name", ["not-a-pdf.pdf", "encrypted.pdf", "huge-page.pdf", "empty.pdf"])
def test_a_refused_upload_carries_the_same_code_and_details_as_in_process(pool, name):
    data = (FIXTURES / "bad" / name).read_bytes()
    limits = PdfLimits(max_page_side_pt=5000)
    with pytest.raises(PdfRejected) as in_process:
        ingest_pdf(data, limits)

    with pytest.raises(PdfRejected) as in_worker:
        pool.ingest(data, limits)

    assert type(in_worker.value) is PdfRejected
    assert (in_worker.value.code, in_worker.value.params) == (in_process.value.code, in_process.value.params)


def test_an_upload_gets_its_own_longer_time_bound():
    pool = PdfWorkerPool(size=1, timeout_s=0.01, ingest_timeout_s=30)
    try:
        assert pool.ingest(Path(REPORT).read_bytes(), PdfLimits()).page_count == 28
    finally:
        pool.close()


GEVENT_SERVER = """
from gevent import monkey

monkey.patch_all()

import json
import sys
import time

import gevent

from storage.workers import PdfWorkerPool

slow_pdf, report = sys.argv[1:]
pool = PdfWorkerPool(size=2, timeout_s=2.0)
pool.render(report, 1, 320, "svg")
gaps = []


def heartbeat():
    last = time.monotonic()
    while True:
        gevent.sleep(0.005)
        gaps.append(time.monotonic() - last)
        last = time.monotonic()


def timed(*args):
    started = time.monotonic()
    try:
        pool.render(*args)
        outcome = "rendered"
    except Exception as error:
        outcome = getattr(error, "code", repr(error))
    return outcome, time.monotonic() - started


beat = gevent.spawn(heartbeat)
slow = gevent.spawn(timed, slow_pdf, 1, 1536, "png")
gevent.sleep(0.05)
pages = [gevent.spawn(pool.render, report, number, 640, "auto") for number in (1, 2, 3)]
gevent.joinall([slow, *pages], raise_error=True)
beat.kill()
pool.close()
print(json.dumps({
    "slow": slow.value,
    "pages": [page.value.mimetype for page in pages],
    "beats": len(gaps),
    "max_gap_s": max(gaps),
}))
"""


def test_under_gevent_a_slow_render_neither_stalls_live_sockets_nor_outlives_its_bound(slow_pdf):
    run = subprocess.run(
        [sys.executable, "-c", GEVENT_SERVER, slow_pdf, REPORT],
        cwd=ROOT,
        capture_output=True,
        timeout=60,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    report = json.loads(run.stdout)

    code, seconds = report["slow"]
    assert code == "render_timeout"
    assert seconds < 20  # the page needs ~40 s: it was cut off
    assert report["pages"] == ["image/svg+xml"] * 3
    # Rendering in the server process would stall the loop for the whole 2 s bound or more.
    assert report["max_gap_s"] < 1.0


PERMISSIVE = PdfLimits(
    complexity=ComplexityLimits(max_form_invocations=10**12, max_content_bytes=10**15, max_form_depth=99)
)


def test_while_uploads_hold_the_long_lane_other_delegates_pages_still_render():
    """Two 2.7 KB bombs (let past the complexity check here) each want minutes of a worker.
    One takes the long lane's only worker until its time bound, the other is told the server is
    busy; a delegate's pages render meanwhile on the worker reserved for pages."""
    pool = PdfWorkerPool(size=2, timeout_s=30, ingest_timeout_s=12, ingest_wait_s=0.5)
    bomb = hostile_pdfs.form_bomb(depth=7)
    outcomes = []

    def upload():
        try:
            pool.ingest(bomb, PERMISSIVE)
            outcomes.append("accepted")
        except PdfRejected as refused:
            outcomes.append(refused.code)

    uploads = [threading.Thread(target=upload) for _ in range(2)]
    try:
        for thread in uploads:
            thread.start()
        while not outcomes:  # the second upload is refused once its bounded wait is over
            time.sleep(0.05)

        pages = [pool.render(REPORT, number, 320, "svg") for number in (1, 2, 3)]

        assert [page.mimetype for page in pages] == ["image/svg+xml"] * 3
        assert any(thread.is_alive() for thread in uploads)  # the long job was still running
        assert outcomes == ["server_busy"]
    finally:
        for thread in uploads:
            thread.join()
        pool.close()
    assert sorted(outcomes) == ["render_timeout", "server_busy"]


def test_a_full_queue_is_answered_at_once_with_when_to_retry(slow_pdf):
    pool = PdfWorkerPool(size=1, timeout_s=3, queue_limit=0)
    try:
        assert pool.render(REPORT, 1, 320, "svg").mimetype == "image/svg+xml"  # a free worker: no queue

        def cut_off():
            with pytest.raises(RenderTimeout):
                pool.render(slow_pdf, 1, 1536, "png")

        slow = threading.Thread(target=cut_off)
        slow.start()
        while not pool._busy["render"]:
            time.sleep(0.01)

        with pytest.raises(ServerBusy) as busy:
            pool.render(REPORT, 1, 320, "svg")

        assert (busy.value.code, busy.value.params) == ("server_busy", {"retry_after_s": 5})
        slow.join()
    finally:
        pool.close()


def test_renders_may_use_every_worker_but_long_jobs_never_the_reserved_ones():
    assert PdfWorkerPool(size=4, timeout_s=1).lanes["long"].slots == 2
    assert PdfWorkerPool(size=2, timeout_s=1).lanes["render"].slots == 2
    assert PdfWorkerPool(size=1, timeout_s=1).lanes["long"].slots == 1  # one worker: shared
