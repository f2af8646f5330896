"""Rendered pages on disk, so each page is rendered once per width bucket, not once per reader.

A key is `(sha256 of the PDF, page number, format, width)` with the width already snapped by
`snap_width`. Files live under `root/ab/<sha256>/` and start with a one-line header naming
the mimetype, the encoding and the body length; a file that does not match it is a miss.
"""

import os
import re
import tempfile
from pathlib import Path
from typing import NamedTuple

from storage.pdf.shared import RenderedPage

WIDTH_BUCKETS = (320, 480, 640, 800, 1024, 1280, 1536, 2048)
# Entries that are the same at every width: vector pages, the reader's page view, glyph sheets
# (whose "page" is the 1-based block number).
WIDTHLESS = frozenset({"svg", "view", "glyphs"})
# Bumped when what a format renders to changes, so pages cached by an older release are misses.
RENDER_VERSION = 3
_SHA256 = re.compile(r"[0-9a-f]{64}")
_FORMAT = re.compile(r"[a-z]{1,8}")


class PageKey(NamedTuple):
    sha256: str
    page: int
    fmt: str
    width: int


def snap_width(width: int) -> int:
    """Round up to the next bucket, so a client cannot fill the disk with arbitrary widths."""
    return next((bucket for bucket in WIDTH_BUCKETS if bucket >= width), WIDTH_BUCKETS[-1])


class PageCache:
    """Written atomically (tmp file + os.replace): readers never see half a page."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def get(self, key: tuple[str, int, str, int]) -> RenderedPage | None:
        try:
            data = self._path(PageKey(*key)).read_bytes()
        except FileNotFoundError:
            return None
        return _decode(data)

    def put(self, key: tuple[str, int, str, int], page: RenderedPage) -> None:
        path = self._path(PageKey(*key))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(_encode(page))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _path(self, key: PageKey) -> Path:
        """Vector entries are the same at every width, so they have one entry per page."""
        if not _SHA256.fullmatch(key.sha256) or not _FORMAT.fullmatch(key.fmt) or key.page < 1:
            raise ValueError(f"not a page cache key: {key!r}")
        width = "" if key.fmt in WIDTHLESS else f"-{int(key.width)}"
        name = f"{int(key.page)}-{key.fmt}{width}.v{RENDER_VERSION}"
        return self.root / key.sha256[:2] / key.sha256 / name


def _encode(page: RenderedPage) -> bytes:
    header = f"{page.mimetype} {page.encoding or '-'} {len(page.body)}\n"
    return header.encode() + page.body


def _decode(data: bytes) -> RenderedPage | None:
    """A file cut short (a full disk, a power cut before the data reached it) reads as a miss."""
    header, _, body = data.partition(b"\n")
    try:
        mimetype, encoding, length = header.decode().split(" ")
    except (UnicodeDecodeError, ValueError):
        return None
    if not length.isdigit() or int(length) != len(body):
        return None
    return RenderedPage(body, mimetype, None if encoding == "-" else encoding)
