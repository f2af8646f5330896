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
import queue
import select
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from storage.pdf.annotate import Mark
from storage.pdf.ingest import IngestResult, PdfLimits, PdfRejected
from storage.pdf.render import FORMATS, RenderedPage
from storage.pdf.typeset import A4, split_fragments
from storage.pdf_worker import HEADER, frame

ROOT = Path(__file__).resolve().parent.parent
# Starting Python and importing PyMuPDF; not counted against a job's own time bound.
STARTUP_TIMEOUT_S = 30.0
STOP_GRACE_S = 2.0

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


class PdfWorkerPool:
    """A fixed number of worker slots; callers block until one is free, workers start lazily."""

    def __init__(self, size: int, timeout_s: float, ingest_timeout_s: float | None = None):
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        self.size = size
        self.timeout_s = timeout_s
        self.ingest_timeout_s = timeout_s if ingest_timeout_s is None else ingest_timeout_s
        # Last in, first out: the most recently used worker has the document open already.
        self._idle: queue.LifoQueue[_Worker | None] = queue.LifoQueue()
        for _ in range(size):
            self._idle.put(None)
        self._closed = False

    def render(self, pdf_path: str, page_number: int, width: int, fmt: str) -> RenderedPage:
        """Render one page (see storage.pdf.render.render_page) in a worker."""
        if fmt not in FORMATS or width < 1 or page_number < 1:
            raise ValueError(f"cannot render page {page_number} as {fmt!r} at width {width}")
        args = (os.path.abspath(pdf_path), page_number, width, fmt)
        return self._run("render", args, self.timeout_s)

    def ingest(self, data: bytes, limits: PdfLimits) -> IngestResult:
        """Validate and extract an upload in a worker; refusals re-raise here as PdfRejected."""
        return self._run("ingest", (data, limits), self.ingest_timeout_s)

    def typeset(
        self, fragments: list[str], css: str, footer: str | None = None, metadata: dict | None = None
    ) -> bytes:
        """Typeset a report (storage.pdf.typeset); a long one is laid out by every worker at once.

        Reports are long jobs, so they get the upload's time bound.
        """
        parts = split_fragments(fragments, self.size)
        if len(parts) == 1:
            return self._run("typeset", (fragments, css, A4, footer, metadata), self.ingest_timeout_s)
        with ThreadPoolExecutor(max_workers=len(parts) - 1) as helpers:
            later = [
                helpers.submit(self._run, "layout", (part, css, A4), self.ingest_timeout_s)
                for part in parts[1:]
            ]
            laid_out = [self._run("layout", (parts[0], css, A4), self.ingest_timeout_s)]
            laid_out += [future.result() for future in later]
        return self._run("finish", (laid_out, footer, metadata), self.ingest_timeout_s)

    def annotate(self, pdf_path: str, marks: list[Mark]) -> bytes:
        """The PDF with `marks` written in as PDF annotations (see storage.pdf.annotate)."""
        return self._run("annotate", (os.path.abspath(pdf_path), marks), self.ingest_timeout_s)

    def reanchor(self, *args) -> dict:
        """Where an earlier version's annotations go on a new one (see storage.reanchor.reanchor)."""
        return self._run("reanchor", args, self.ingest_timeout_s)

    def close(self) -> None:
        """Stop the idle workers now and busy ones as they finish; safe to call twice."""
        self._closed = True
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            if worker is not None:
                worker.stop()

    def _run(self, kind: str, args: tuple, timeout_s: float):
        worker = self._checkout()
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
            self._checkin(keep)
        return _result(reply)

    def _checkout(self) -> "_Worker":
        if self._closed:
            raise RuntimeError("the PDF worker pool is closed")
        slot = self._idle.get()
        if self._closed:  # closed while this caller waited for a slot
            self._checkin(slot)
            raise RuntimeError("the PDF worker pool is closed")
        if slot is not None and slot.alive():
            return slot
        if slot is not None:
            slot.kill()
        try:
            return _Worker()
        except BaseException:
            self._idle.put(None)
            raise

    def _checkin(self, worker: "_Worker | None") -> None:
        if worker is not None and self._closed:
            worker.stop()
            worker = None
        self._idle.put(worker)


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
