"""Read a request's body before anything takes a database connection.

`login_required` loads the user (a pooled connection) before the view reads the body; a client
that sends headers and then nothing would hold that connection for as long as it likes, and
sixteen such clients empty the pool. So every body is read first, here, in a `before_request`
that runs before the user loader; the server's socket read timeout (`core.serving`) bounds how
long a stalled body can take, and a stalled body ends as a 408.
"""

from flask import request
from werkzeug.exceptions import ClientDisconnected

from core.errors import AppError

FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})


def read_body_first() -> None:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    try:
        if request.mimetype in FORM_TYPES:
            request.form  # noqa: B018 — parses now; large files are spooled to disk, not memory
        else:
            request.get_data(cache=True)
    except (OSError, ClientDisconnected):  # the read timed out (gevent ends the stream), or the
        raise AppError("request_timeout", 408) from None  # client went away mid-body
