"""Run CPU-heavy pure work (password hashing, spreadsheet parsing) off the gevent event loop.

Under gevent every socket is served by one thread: a 110 ms password hash there stalls every
live connection for 110 ms. A small pool of real OS threads runs such work while the loop keeps
serving; C code that releases the GIL (scrypt) runs in parallel. The pool has one thread fewer
than the machine has cores (`OFFLOAD_THREADS`), so a hall logging in at once queues for the
pool instead of taking every core from the loop. Hand only plain values to such a function:
never a database session or an ORM object, which belong to the loop's thread.
"""

import collections
import contextlib
import functools
import os
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from flask import current_app, has_app_context

from core.transactions import finish

Result = TypeVar("Result")
# Worker threads run at a lower priority (nice 10, `OFFLOAD_NICENESS`): when cores are short, the
# scheduler serves the event loop first and the hall's logins wait a little longer instead of
# every socket. On a machine shared with other nice-0 work they would starve: set 0 there.
WORKER_NICENESS = 10
_niceness = WORKER_NICENESS
_pool = None
_niced = threading.local()


def _at_low_priority(function, *args):
    if not getattr(_niced, "done", False):
        # Not Linux, or not allowed: the thread runs at normal priority.
        with contextlib.suppress(AttributeError, OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), _niceness)
        _niced.done = True
    return function(*args)


def _threadpool():
    global _pool, _niceness
    if _pool is None:
        from gevent.threadpool import ThreadPool

        _niceness = current_app.config.get("OFFLOAD_NICENESS", WORKER_NICENESS)

        _pool = ThreadPool(offload_threads())
    return _pool


def offload_threads() -> int:
    return current_app.config.get("OFFLOAD_THREADS") or max(1, (os.cpu_count() or 2) - 1)


def one_batch_at_a_time(ahead: Callable[[], bool] | None = None):
    """Admit only as many requests of this view as the threads can hash, plus one getting ready.

    A hall's 120 logins arriving in the same second would otherwise each do their loop-side
    work (parsing, limits, the user query: ~10 ms) back to back before the first hash, and every
    live event queued behind that burst would wait a second. Waiting here yields to the loop
    and holds no database connection (nothing has touched the database yet).

    Requests for which `ahead()` is true (a device that logged in to that account before) wait in
    a lane of their own that is served first: a flood of guesses cannot starve a delegate's login.

    The view's unit of work ends here, inside the gate: leaving the gate may yield, and a write
    left open across a yield holds every other writer of the process (core/sqlite_writes.py).
    The boundary's own commit afterwards finds nothing left to do.
    """

    def decorate(view):
        gate = None
        making = threading.Lock()

        def the_gate() -> AdmissionGate:
            nonlocal gate
            with making:  # sized from the app's config, so made at the first request, once
                if gate is None:
                    gate = AdmissionGate(offload_threads() + 1, _event_type())
            return gate

        @functools.wraps(view)
        def admitted(*args, **kwargs):
            gate = the_gate()
            queue.waiting += 1
            try:
                gate.acquire(first=bool(ahead and ahead()))
            finally:
                queue.waiting -= 1
            try:
                try:
                    response = current_app.make_response(view(*args, **kwargs))
                except BaseException:
                    finish(refused=True)
                    raise
                finish(refused=response.status_code >= 400)
                return response
            finally:
                queue.served()
                gate.release()

        return admitted

    return decorate


class AdmissionGate:
    """A semaphore of `size` places with two queues: a place that frees up goes to the longest
    waiter of the first lane, then to the longest waiter of the other, in arrival order."""

    def __init__(self, size: int, event_type=threading.Event):
        self._free = size
        self._lanes: tuple[collections.deque, collections.deque] = (collections.deque(), collections.deque())
        self._event_type = event_type
        self._lock = threading.Lock()  # held for a few lines only, never across a wait

    def acquire(self, first: bool = False) -> None:
        with self._lock:
            if self._free > 0 and not (self._lanes[0] or self._lanes[1]):
                self._free -= 1
                return
            turn = self._event_type()
            lane = self._lanes[0 if first else 1]
            lane.append(turn)
        try:
            turn.wait()
        except BaseException:
            with self._lock:
                handed_over = turn not in lane
                if not handed_over:
                    lane.remove(turn)
            if handed_over:  # the place was given to us as we left: pass it on
                self.release()
            raise

    def release(self) -> None:
        with self._lock:
            for lane in self._lanes:
                if lane:
                    lane.popleft().set()  # the place passes straight to the waiter
                    return
            self._free += 1

    @property
    def waiting(self) -> int:
        return len(self._lanes[0]) + len(self._lanes[1])


class _Queue:
    """How many logins wait at the gates of this process, and how often one gets through while
    others wait: a waiting delegate is told about how long (`GET /api/login/queue`)."""

    def __init__(self):
        self.waiting = 0
        self.seconds_each = 0.3  # a first guess until a queue is measured
        self._last = 0.0

    def served(self) -> None:
        now = time.monotonic()
        if self.waiting and self._last:
            self.seconds_each = 0.8 * self.seconds_each + 0.2 * min(now - self._last, 10.0)
        self._last = now

    def estimate(self) -> dict:
        return {"waiting": self.waiting, "estimate_s": round(self.waiting * self.seconds_each + 0.5)}


queue = _Queue()


def _event_type():
    """gevent's own event when serving with gevent: 120 waiters on patched `threading`
    primitives (a Condition over patched locks) were seen to stall."""
    if current_app.config.get("SOCKETIO_ASYNC_MODE") == "gevent":
        from gevent.event import Event

        return Event
    return threading.Event


def off_loop(function: Callable[..., Result], *args) -> Result:
    """`function(*args)` on a worker thread when serving with gevent; a plain call otherwise."""
    if has_app_context() and current_app.config.get("SOCKETIO_ASYNC_MODE") == "gevent":
        return _threadpool().spawn(_at_low_priority, function, *args).get()
    return function(*args)
