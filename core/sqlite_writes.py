"""SQLite writers take turns in this process, and a writer that must wait waits as a greenlet.

SQLite lets one connection write at a time; the next writer waits in SQLite's busy handler, a C
sleep. Under gevent that sleep runs on the event loop: while a greenlet that holds the write lock
is suspended (a hash, a socket read), the writer behind it stops every greenlet of the process,
and the holder can never finish. So every SQLite connection of the app is a
`CooperativeConnection`:

- before its transaction's first write it takes the process's write turn, a lock that waits
  cooperatively (gevent's, once monkey-patched; a thread's lock otherwise), and gives it back
  when the transaction ends (commit, rollback, close). In one process SQLite never sees two
  writers, so its busy handler never runs;
- SQLite's own busy wait is short (`BUSY_TIMEOUT_MS`); a statement that still finds the database
  locked (another process writes: the CLI, a second node on one file) is retried after a
  `time.sleep`, which gevent makes a cooperative sleep, until `BUSY_WAIT_S` has passed.

PostgreSQL needs none of this: psycopg waits for row locks cooperatively.
"""

import sqlite3
import threading
import time

# Each try may block the loop this long inside SQLite before the cooperative retry takes over.
BUSY_TIMEOUT_MS = 20
# How long a statement keeps retrying against another process's write before it fails.
BUSY_WAIT_S = 10.0
# How long a writer waits for its turn in this process; longer means a transaction held open
# far beyond any unit of work, and the writer is refused (server_busy) rather than left hanging.
TURN_WAIT_S = 30.0
_READS = ("SELECT", "PRAGMA", "EXPLAIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT", "END", "BEGIN")


class _WriteTurn:
    """One writer at a time per process; reentrant for the thread (greenlet) that holds it, so a
    second connection of the same unit of work meets SQLite's busy answer instead of a deadlock."""

    def __init__(self):
        self._lock = threading.Lock()
        self._state = threading.Lock()
        self._owner: int | None = None
        self._depth = 0

    def take(self, timeout: float) -> bool:
        me = threading.get_ident()
        with self._state:
            if self._owner == me:
                self._depth += 1
                return True
        if not self._lock.acquire(timeout=timeout):
            return False
        with self._state:
            self._owner, self._depth = me, 1
        return True

    def give(self) -> None:
        with self._state:
            self._depth -= 1
            if self._depth > 0:
                return
            self._owner = None
        self._lock.release()

    @property
    def held(self) -> bool:
        return self._owner is not None


turn = _WriteTurn()


def _writes(sql: str) -> bool:
    head = sql.lstrip(" \t\r\n(").split(None, 1)
    return bool(head) and head[0].upper() not in _READS


def is_busy(error: BaseException) -> bool:
    """SQLite's answer when another connection holds the lock it needs."""
    text = str(error).lower()
    return isinstance(error, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def _retrying(call, *args):
    deadline = time.monotonic() + BUSY_WAIT_S
    delay = 0.002
    while True:
        try:
            return call(*args)
        except sqlite3.OperationalError as error:
            if not is_busy(error) or time.monotonic() > deadline:
                raise
        time.sleep(delay)  # gevent.sleep once monkey-patched: the loop serves others meanwhile
        delay = min(delay * 2, 0.1)


class CooperativeCursor(sqlite3.Cursor):
    def execute(self, sql, parameters=(), /):
        self.connection._before(sql)
        try:
            return _retrying(super().execute, sql, parameters)
        finally:
            self.connection._after()

    def executemany(self, sql, seq_of_parameters, /):
        self.connection._before(sql)
        try:
            return _retrying(super().executemany, sql, seq_of_parameters)
        finally:
            self.connection._after()

    def executescript(self, script, /):
        self.connection._before("SCRIPT")
        try:
            return _retrying(super().executescript, script)
        finally:
            self.connection._after()


class CooperativeConnection(sqlite3.Connection):
    """A sqlite3 connection that takes the process's write turn for each writing transaction."""

    _has_turn = False

    def cursor(self, factory=CooperativeCursor):
        return super().cursor(factory)

    def execute(self, sql, parameters=(), /):
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql, seq_of_parameters, /):
        return self.cursor().executemany(sql, seq_of_parameters)

    def executescript(self, script, /):
        return self.cursor().executescript(script)

    def _before(self, sql: str) -> None:
        if not self._has_turn and _writes(sql):
            if not turn.take(TURN_WAIT_S):
                raise sqlite3.OperationalError(f"database is locked (no write turn within {TURN_WAIT_S} s)")
            self._has_turn = True

    def _after(self) -> None:
        if self._has_turn and not self._open():
            self._has_turn = False
            turn.give()

    def _open(self) -> bool:
        try:
            return self.in_transaction
        except sqlite3.ProgrammingError:  # closed
            return False

    def commit(self):
        try:
            return _retrying(super().commit)
        finally:
            self._after()

    def rollback(self):
        try:
            return super().rollback()
        finally:
            self._after()

    def close(self):
        try:
            return super().close()
        finally:
            if self._has_turn:
                self._has_turn = False
                turn.give()


def engine_options(options: dict) -> dict:
    """The engine options for an SQLite database: every connection a `CooperativeConnection`."""
    connect_args = {**options.get("connect_args", {}), "factory": CooperativeConnection}
    connect_args.setdefault("timeout", BUSY_TIMEOUT_MS / 1000)
    return {**options, "connect_args": connect_args}
