"""A PDF worker process: `python -m storage.pdf_worker`, driven by storage.workers.PdfWorkerPool.

It reads length-prefixed pickled jobs on stdin and answers each on stdout, one at a time,
after announcing itself with `("ready",)`. It exits when its stdin closes.
"""

import os
import pickle
import signal
import sys
from typing import BinaryIO

from storage.pdf.annotate import annotate_pdf
from storage.pdf.ingest import ingest_pdf
from storage.pdf.render import render_glyph_sheet, render_page, render_reader_page
from storage.pdf.shared import HEADER, PdfRejected, frame
from storage.pdf.typeset import finish_pdf, html_to_pdf, layout_pdf
from storage.reanchor import reanchor

JOBS = {
    "render": render_page,
    "reader_page": render_reader_page,
    "glyph_sheet": render_glyph_sheet,
    "ingest": ingest_pdf,
    "annotate": annotate_pdf,
    "typeset": html_to_pdf,
    "layout": layout_pdf,
    "finish": finish_pdf,
    "reanchor": reanchor,
}


def run_job(kind: str, args: tuple) -> tuple:
    """Refusals travel as data: exceptions with keyword arguments do not survive pickling."""
    try:
        return ("ok", JOBS[kind](*args))
    except PdfRejected as rejection:
        return ("rejected", rejection.code, rejection.params)
    except Exception as error:
        return ("failed", f"{type(error).__name__}: {error}")


def _receive(jobs: BinaryIO) -> tuple | None:
    header = jobs.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (length,) = HEADER.unpack(header)
    return pickle.loads(jobs.read(length))  # noqa: S301 - the server process is the only writer


def _send(replies: BinaryIO, message: object) -> None:
    for part in frame(message):
        replies.write(part)
    replies.flush()


def main() -> None:
    """Serve jobs until the server closes our stdin (it shut the pool down, or it died)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in the server's terminal is the server's
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # MuPDF's messages and stray prints go to stderr, not into the reply channel
    sys.stdout = sys.stderr
    jobs = sys.stdin.buffer
    _send(replies, ("ready",))
    while (job := _receive(jobs)) is not None:
        _send(replies, run_job(*job))


if __name__ == "__main__":
    main()
