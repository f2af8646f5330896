"""Stored files in the database, so nodes share nothing but it: a node's disk is only a cache.

A file is one `blobs` row (its SHA-256, size) and its bytes in 1 MiB `blob_chunks`, written in the
caller's transaction: a rolled-back upload leaves no file behind, and a committed one is readable
from every node. Reading materialises the file once per node in `cache_dir` (PyMuPDF workers open
paths), streaming chunk by chunk so a large file is never held in memory whole.
"""

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Table, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from storage.blobstore import LocalBlobStore

CHUNK_BYTES = 1024 * 1024


class DatabaseBlobStore:
    """`session()` is the caller's session (writes join its transaction); reads use `engine`, so
    they work outside any request (a background pre-render) once the file is committed."""

    def __init__(
        self,
        engine: Engine,
        session: Callable[[], Session],
        blobs: Table,
        chunks: Table,
        cache_dir: Path,
        legacy: LocalBlobStore | None = None,
    ):
        self.engine, self.session, self.blobs, self.chunks = engine, session, blobs, chunks
        self.cache = LocalBlobStore(cache_dir)
        # Files an earlier release kept in DATA_DIR/blobs: moved into the database when first read.
        self.legacy = legacy

    def _insert_once(self):
        dialects = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
        make = dialects.get(self.engine.dialect.name)
        if make is None:
            return None
        return make(self.blobs).on_conflict_do_nothing(index_elements=["sha256"])

    def put(self, data: bytes) -> str:
        """Store the bytes once: a second upload of the same file (or a race to it) adds nothing."""
        digest = hashlib.sha256(data).hexdigest()
        self._write(self.session(), digest, data)
        self.cache.put(data)  # this node has it already: no read back for its first render
        return digest

    def _write(self, session: Session, digest: str, data: bytes) -> None:
        statement = self._insert_once()
        if statement is None:  # another database: check first (no concurrent-upload guarantee)
            if self._known(session, digest):
                return
            statement = insert(self.blobs)
        added = session.execute(
            statement.values(sha256=digest, size_bytes=len(data)).returning(self.blobs.c.sha256)
        ).first()
        if added is not None:
            session.execute(
                insert(self.chunks),
                [
                    {"sha256": digest, "number": number, "data": data[start : start + CHUNK_BYTES]}
                    for number, start in enumerate(range(0, max(len(data), 1), CHUNK_BYTES))
                ],
            )

    def _known(self, connection, digest: str) -> bool:
        return (
            connection.execute(select(self.blobs.c.sha256).where(self.blobs.c.sha256 == digest)).first()
            is not None
        )

    def exists(self, digest: str) -> bool:
        with self.engine.connect() as connection:
            return self._known(connection, digest)

    def get(self, digest: str) -> bytes:
        return self.local_path(digest).read_bytes()

    def local_path(self, digest: str) -> Path:
        """This node's copy, fetched from the database on first use."""
        path = self.cache.local_path(digest)
        if not path.exists():
            self._fetch(digest, path)
        return path

    def _fetch(self, digest: str, path: Path) -> None:
        with self.engine.connect() as connection:
            if not self._known(connection, digest):
                if self.legacy is not None and self.legacy.exists(digest):
                    self._adopt(digest)
                    return
                raise FileNotFoundError(f"no stored file {digest}")
            rows = connection.execution_options(stream_results=True, yield_per=4).execute(
                select(self.chunks.c.data)
                .where(self.chunks.c.sha256 == digest)
                .order_by(self.chunks.c.number)
            )
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            check = hashlib.sha256()
            try:
                with os.fdopen(fd, "wb") as handle:
                    for (chunk,) in rows:
                        check.update(chunk)
                        handle.write(chunk)
                if check.hexdigest() != digest:
                    raise OSError(f"stored file {digest} does not match its digest")
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise

    def _adopt(self, digest: str) -> None:
        """Move a file an earlier release kept on this node's disk into the database."""
        data = self.legacy.get(digest)
        with Session(self.engine) as session, session.begin():
            self._write(session, digest, data)
        self.cache.put(data)
