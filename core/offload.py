"""Run CPU-heavy pure work (password hashing, spreadsheet parsing) off the gevent event loop.

Under gevent every socket is served by one thread: a 110 ms password hash there stalls every
live connection for 110 ms. A small pool of real OS threads runs such work while the loop keeps
serving; C code that releases the GIL (scrypt) runs in parallel. The pool has one thread fewer
than the machine has cores (`OFFLOAD_THREADS`), so a hall logging in at once queues for the
pool instead of taking every core from the loop. Hand only plain values to such a function:
never a database session or an ORM object, which belong to the loop's thread.
"""

import os
from collections.abc import Callable
from typing import TypeVar

from flask import current_app, has_app_context

Result = TypeVar("Result")
_pool = None


def _threadpool():
    global _pool
    if _pool is None:
        from gevent.threadpool import ThreadPool

        default = max(1, (os.cpu_count() or 2) - 1)
        _pool = ThreadPool(current_app.config.get("OFFLOAD_THREADS") or default)
    return _pool


def off_loop(function: Callable[..., Result], *args) -> Result:
    """`function(*args)` on a worker thread when serving with gevent; a plain call otherwise."""
    if has_app_context() and current_app.config.get("SOCKETIO_ASYNC_MODE") == "gevent":
        return _threadpool().spawn(function, *args).get()
    return function(*args)
