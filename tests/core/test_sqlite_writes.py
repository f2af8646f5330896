"""SQLite writers take turns in the process and retry, sleeping, against another process's write,
so a writer never sits in SQLite's busy handler, where gevent's whole loop would stop with it."""

import sqlite3
import threading
import time

import pytest

from core import sqlite_writes
from core.sqlite_writes import CooperativeConnection


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "writes.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE notes (body TEXT)")
    return path


def _app_connection(path):
    connection = sqlite3.connect(path, factory=CooperativeConnection, timeout=0.02, check_same_thread=False)
    connection.execute("PRAGMA busy_timeout=20")
    return connection


def test_a_write_waits_out_another_process_holding_the_lock_and_is_stored(database):
    other_process = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    other_process.execute("BEGIN IMMEDIATE")
    other_process.execute("INSERT INTO notes VALUES ('khác')")
    threading.Timer(0.5, other_process.execute, args=("COMMIT",)).start()

    ours = _app_connection(database)
    started = time.monotonic()
    ours.execute("INSERT INTO notes VALUES ('của tôi')")
    ours.commit()

    assert time.monotonic() - started >= 0.4  # it waited, well past SQLite's own 20 ms
    assert sorted(row[0] for row in ours.execute("SELECT body FROM notes")) == ["của tôi", "khác"]
    assert not sqlite_writes.turn.held


def test_writers_of_one_process_take_turns_instead_of_meeting_sqlites_busy_answer(database):
    """A writer that yields before committing (a hash, a socket) holds the others in line,
    not in SQLite's busy handler; each gets in after the one before commits."""
    order = []

    def write(name: str, hold_s: float) -> None:
        connection = _app_connection(database)
        connection.execute("INSERT INTO notes VALUES (?)", (name,))
        order.append(f"{name} wrote")
        time.sleep(hold_s)
        connection.commit()
        order.append(f"{name} committed")
        connection.close()

    first = threading.Thread(target=write, args=("một", 0.3))
    first.start()
    time.sleep(0.05)
    second = threading.Thread(target=write, args=("hai", 0))
    second.start()
    first.join()
    second.join()

    assert order == ["một wrote", "một committed", "hai wrote", "hai committed"]
    assert not sqlite_writes.turn.held


def test_a_rolled_back_or_closed_transaction_gives_the_turn_back(database):
    connection = _app_connection(database)
    connection.execute("INSERT INTO notes VALUES ('bỏ')")
    assert sqlite_writes.turn.held
    connection.rollback()
    assert not sqlite_writes.turn.held
    connection.execute("INSERT INTO notes VALUES ('đóng')")
    connection.close()
    assert not sqlite_writes.turn.held
