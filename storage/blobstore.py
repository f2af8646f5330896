"""Content-addressed file storage (SHA-256) behind a small interface a second backend can implement."""

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Protocol


class BlobStore(Protocol):
    def put(self, data: bytes) -> str:
        """Store bytes and return their SHA-256 hex digest; storing twice keeps one copy."""

    def get(self, digest: str) -> bytes: ...

    def exists(self, digest: str) -> bool: ...

    def local_path(self, digest: str) -> Path:
        """A path PyMuPDF can open; remote backends materialise a cached copy."""


class LocalBlobStore:
    """Files under `root/ab/cd/<digest>`, written atomically so a crash leaves no half file."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, digest: str) -> Path:
        if len(digest) != 64 or any(ch not in "0123456789abcdef" for ch in digest):
            raise ValueError("not a sha256 digest")
        return self.root / digest[:2] / digest[2:4] / digest

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        path = self._path(digest)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return digest

    def get(self, digest: str) -> bytes:
        return self._path(digest).read_bytes()

    def exists(self, digest: str) -> bool:
        return self._path(digest).exists()

    def local_path(self, digest: str) -> Path:
        return self._path(digest)
