"""Run CPU-heavy pure work (password hashing, spreadsheet parsing) off the gevent event loop.

Under gevent every socket is served by one thread: a 110 ms password hash there stalls every
live connection for 110 ms. The hub's thread pool runs the function on a real OS thread while
the loop keeps serving; C code that releases the GIL (scrypt, zlib) then runs in parallel.
Hand only plain values to such a function: never a database session or an ORM object, which
belong to the loop's thread.
"""

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, has_app_context

Result = TypeVar("Result")


def off_loop(function: Callable[..., Result], *args) -> Result:
    """`function(*args)` on a worker thread when serving with gevent; a plain call otherwise."""
    if has_app_context() and current_app.config.get("SOCKETIO_ASYNC_MODE") == "gevent":
        import gevent

        return gevent.get_hub().threadpool.spawn(function, *args).get()
    return function(*args)
