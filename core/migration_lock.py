"""Several nodes booting at once run the migrations once: the first takes the lock and upgrades,
the others wait for it and find the schema already at head.

PostgreSQL: a session-level advisory lock on the migrating connection. SQLite: an exclusive
`flock` on a file beside the database (its nodes share one disk). Other databases: no lock, so
run `flask --app wsgi db upgrade` once before starting the nodes with `AUTO_MIGRATE=0`.
"""

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection

# Any constant both sides agree on: "phonghop" in ASCII, as a signed 64-bit key.
ADVISORY_KEY = 0x70686F6E67686F70


@contextmanager
def migration_lock(connection: Connection) -> Iterator[None]:
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_KEY})
        connection.commit()  # the lock belongs to the session; Alembic begins its own transaction
        try:
            yield
        finally:
            connection.rollback()
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
            connection.commit()
    elif dialect == "sqlite" and connection.engine.url.database not in (None, "", ":memory:"):
        lock_path = Path(connection.engine.url.database).with_suffix(".migrate-lock")
        with lock_path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    else:
        yield
