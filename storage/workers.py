"""All PyMuPDF work runs in a few long-lived worker processes, each job with a time bound.

PyMuPDF holds the GIL while it renders, and the server runs Flask-SocketIO under gevent: a
render in the server process would stall every live socket. So pages are rendered and
uploads ingested in `python -m storage.pdf_worker` subprocesses, spoken to over pipes with
length-prefixed pickles. Waiting for a reply goes through `select.poll`, which gevent patches
to yield to other greenlets and which, unlike `select.select`, takes file descriptors above
1023 (a busy server has that many sockets). multiprocessing is avoided on purpose: it
misbehaves under gevent's monkey-patching. See docs/rendering.md.
"""

import logging
import os
import pickle
import select
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from storage.pdf.fragments import split_fragments
from storage.pdf.shared import (
    A4_RECT,
    FORMATS,
    HEADER,
    IngestResult,
    Mark,
    PdfLimits,
    PdfRejected,
    RenderedPage,
    frame,
)

ROOT = Path(__file__).resolve().parent.parent
# Starting Python and importing PyMuPDF; not counted against a job's own time bound.
STARTUP_TIMEOUT_S = 30.0
STOP_GRACE_S = 2.0
RENDER, LONG = "render", "long"

log = logging.getLogger(__name__)


class RenderTimeout(PdfRejected):
    """A job ran past the pool's time bound; its worker was killed and replaced."""

    def __init__(self, **params):
        super().__init__("render_timeout", **params)


class WorkerCrashed(PdfRejected):
    """A job died: its worker exited (and was replaced) or it raised an unexpected error."""

    def __init__(self, **params):
        super().__init__("worker_crashed", **params)


class _TimeUpError(Exception):
    pass


class _WorkerGoneError(Exception):
    pass


@dataclass(frozen=True)
class Lane:
    """Jobs that wait together: at most `slots` of the pool's workers, `queue_limit` callers
    waiting, each for at most `wait_s`; past either bound the caller hears `server_busy`."""

    slots: int
    queue_limit: int
    wait_s: float
    retry_after_s: int


class ServerBusy(PdfRejected):
    """No worker came free in time, or too many callers already wait: try again later."""

    def __init__(self, retry_after_s: int):
        super().__init__("server_busy", retry_after_s=retry_after_s)


class PdfWorkerPool:
    """A fixed number of worker slots in two lanes; workers start lazily.

    Page renders are short and a delegate waits on each, so they may use every free worker;
    long jobs (uploads, exports) may never use the `render_reserved` ones. A file that takes
    its whole time bound therefore never delays another delegate's page. Callers wait in their
    lane, boundedly (see Lane).
    """

    def __init__(
        self,
        size: int,
        timeout_s: float,
        ingest_timeout_s: float | None = None,
        *,
        render_reserved: int | None = None,
        queue_limit: int = 64,
        render_wait_s: float = 15.0,
        ingest_wait_s: float = 30.0,
    ):
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        self.size = size
        self.timeout_s = timeout_s
        self.ingest_timeout_s = timeout_s if ingest_timeout_s is None else ingest_timeout_s
        reserved = (size // 2 if size > 1 else 0) if render_reserved is None else render_reserved
        if not 0 <= reserved < size:
            raise ValueError("long jobs need at least one worker renders do not reserve")
        self.lanes = {
            RENDER: Lane(size, queue_limit, render_wait_s, retry_after_s=5),
            LONG: Lane(size - reserved, queue_limit, ingest_wait_s, retry_after_s=30),
        }
        # Last in, first out: the most recently used worker has the document open already.
        self._idle: list[_Worker | None] = [None] * size
        self._busy = dict.fromkeys(self.lanes, 0)
        self._waiting = dict.fromkeys(self.lanes, 0)
        self._changed = threading.Condition()
        self._closed = False

    def render(self, pdf_path: str, page_number: int, width: int, fmt: str) -> RenderedPage:
        """Render one page (see storage.pdf.render.render_page) in a worker."""
        if fmt not in FORMATS or width < 1 or page_number < 1:
            raise ValueError(f"cannot render page {page_number} as {fmt!r} at width {width}")
        args = (os.path.abspath(pdf_path), page_number, width, fmt)
        return self._run("render", args, self.timeout_s, RENDER)

    def reader_page(self, pdf_path: str, page_number: int, words_json: str) -> RenderedPage:
        """A text page as the reader shows it (see storage.pdf.render.render_reader_page)."""
        args = (os.path.abspath(pdf_path), page_number, words_json)
        return self._run("reader_page", args, self.timeout_s, RENDER)

    def glyph_sheet(self, pdf_path: str, block: int) -> RenderedPage:
        """The glyph outlines of one block of pages (see storage.pdf.render.render_glyph_sheet)."""
        return self._run("glyph_sheet", (os.path.abspath(pdf_path), block), self.timeout_s, RENDER)

    def ingest(self, data: bytes, limits: PdfLimits) -> IngestResult:
        """Validate and extract an upload in a worker; refusals re-raise here as PdfRejected."""
        return self._run("ingest", (data, limits), self.ingest_timeout_s, LONG)

    def typeset(
        self, fragments: list[str], css: str, page_numbers: str | None = None, metadata: dict | None = None
    ) -> bytes:
        """Typeset a report (storage.pdf.typeset); a long one is laid out by the long lane's
        workers at once.

        Reports are long jobs, so they get the upload's time bound and lane.
        """
        parts = split_fragments(fragments, self.lanes[LONG].slots)
        if len(parts) == 1:
            return self._run(
                "typeset", (fragments, css, A4_RECT, page_numbers, metadata), self.ingest_timeout_s, LONG
            )
        with ThreadPoolExecutor(max_workers=len(parts) - 1) as helpers:
            later = [
                helpers.submit(self._run, "layout", (part, css, A4_RECT), self.ingest_timeout_s, LONG)
                for part in parts[1:]
            ]
            laid_out = [self._run("layout", (parts[0], css, A4_RECT), self.ingest_timeout_s, LONG)]
            laid_out += [future.result() for future in later]
        return self._run("finish", (laid_out, page_numbers, metadata), self.ingest_timeout_s, LONG)

    def annotate(self, pdf_path: str, marks: list[Mark]) -> bytes:
        """The PDF with `marks` written in as PDF annotations (see storage.pdf.annotate)."""
        return self._run("annotate", (os.path.abspath(pdf_path), marks), self.ingest_timeout_s, LONG)

    def reanchor(self, *args) -> dict:
        """Where an earlier version's annotations go on a new one (see storage.reanchor.reanchor)."""
        return self._run("reanchor", args, self.ingest_timeout_s, LONG)

    def close(self) -> None:
        """Stop the idle workers now and busy ones as they finish; safe to call twice."""
        with self._changed:
            self._closed = True
            idle, self._idle = self._idle, []
            self._changed.notify_all()
        for worker in idle:
            if worker is not None:
                worker.stop()

    def _run(self, kind: str, args: tuple, timeout_s: float, lane: str):
        worker = self._checkout(lane)
        keep = None
        try:
            reply = worker.call((kind, args), timeout_s)
            keep = worker
        except _TimeUpError:
            worker.kill()
            log.warning("PDF %s job ran past %.1f s; worker killed", kind, timeout_s)
            keep = _Worker()
            raise RenderTimeout(timeout_s=timeout_s) from None
        except _WorkerGoneError:
            code = worker.kill()
            log.warning("PDF worker exited with code %s during a %s job", code, kind)
            keep = _Worker()
            raise WorkerCrashed(reason=f"worker exited with code {code}") from None
        except BaseException:
            worker.kill()
            raise
        finally:
            self._checkin(lane, keep)
        return _result(reply)

    def _checkout(self, lane: str) -> "_Worker":
        slot = self._take_slot(lane)
        if slot is not None and slot.alive():
            return slot
        if slot is not None:
            slot.kill()
        try:
            return _Worker()
        except BaseException:
            self._checkin(lane, None)
            raise

    def _take_slot(self, lane: str) -> "_Worker | None":
        """Wait in `lane` for a free slot its share allows; bounded in count and in time."""
        rules = self.lanes[lane]
        with self._changed:
            self._refuse_if_closed()
            free = bool(self._idle) and self._busy[lane] < rules.slots
            if not free and self._waiting[lane] >= rules.queue_limit:
                raise ServerBusy(rules.retry_after_s)
            self._waiting[lane] += 1
            try:
                deadline = time.monotonic() + rules.wait_s
                while not (self._idle and self._busy[lane] < rules.slots):
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        log.warning("No PDF worker free for a %s job within %.1f s", lane, rules.wait_s)
                        raise ServerBusy(rules.retry_after_s)
                    self._changed.wait(remaining)
                    self._refuse_if_closed()
            finally:
                self._waiting[lane] -= 1
            self._busy[lane] += 1
            return self._idle.pop()

    def _refuse_if_closed(self) -> None:
        if self._closed:
            raise RuntimeError("the PDF worker pool is closed")

    def _checkin(self, lane: str, worker: "_Worker | None") -> None:
        with self._changed:
            self._busy[lane] -= 1
            closed = self._closed
            if not closed:
                self._idle.append(worker)
            self._changed.notify_all()
        if closed and worker is not None:
            worker.stop()


def _result(reply: tuple):
    if reply[0] == "ok":
        return reply[1]
    if reply[0] == "rejected":
        raise PdfRejected(reply[1], **reply[2])
    log.warning("PDF job failed in its worker: %s", reply[1])
    raise WorkerCrashed(reason=reply[1])


class _Worker:
    """One worker process and the non-blocking pipe ends that talk to it."""

    def __init__(self):
        python_path = [str(ROOT), os.environ.get("PYTHONPATH", "")]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "storage.pdf_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, python_path))},
        )
        self.jobs = self.process.stdin.fileno()
        self.replies = self.process.stdout.fileno()
        os.set_blocking(self.jobs, False)
        os.set_blocking(self.replies, False)
        self.ready = False

    def alive(self) -> bool:
        return self.process.poll() is None

    def call(self, job: tuple, timeout_s: float) -> tuple:
        """Send one job and wait for its reply, never longer than `timeout_s` of work."""
        if not self.ready:
            if self._receive(time.monotonic() + STARTUP_TIMEOUT_S, on_timeout=_WorkerGoneError) != ("ready",):
                raise _WorkerGoneError
            self.ready = True
        deadline = time.monotonic() + timeout_s
        for part in frame(job):
            self._send(part, deadline)
        return self._receive(deadline)

    def _send(self, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        while view:
            _wait(self.jobs, select.POLLOUT, deadline, _TimeUpError)
            try:
                view = view[os.write(self.jobs, view) :]
            except BlockingIOError:
                continue
            except BrokenPipeError:
                raise _WorkerGoneError from None

    def _receive(self, deadline: float, on_timeout: type[Exception] = _TimeUpError) -> tuple:
        (length,) = HEADER.unpack(self._read_exactly(HEADER.size, deadline, on_timeout))
        return pickle.loads(self._read_exactly(length, deadline, on_timeout))  # noqa: S301 - our own worker

    def _read_exactly(self, size: int, deadline: float, on_timeout: type[Exception]) -> bytearray:
        buffer = bytearray(size)
        view = memoryview(buffer)
        filled = 0
        while filled < size:
            _wait(self.replies, select.POLLIN, deadline, on_timeout)
            try:
                count = os.readv(self.replies, [view[filled:]])
            except BlockingIOError:
                continue
            if count == 0:
                raise _WorkerGoneError
            filled += count
        return buffer

    def kill(self) -> int:
        """End the process now, mid-job or not, and return its exit code."""
        self.process.kill()
        return self._reap()

    def stop(self) -> None:
        """Let an idle worker exit on end-of-input; kill it if it does not."""
        self.process.stdin.close()
        try:
            self.process.wait(STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._reap()

    def _reap(self) -> int:
        code = self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            pipe.close()
        return code


def _wait(fd: int, event: int, deadline: float, on_timeout: type[Exception]) -> None:
    """Block this thread or greenlet, not the process, until `fd` is ready or time is up."""
    remaining = deadline - time.monotonic()
    poller = select.poll()
    poller.register(fd, event)
    if remaining <= 0 or not poller.poll(remaining * 1000):
        raise on_timeout
