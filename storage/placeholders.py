"""What a page that could not be drawn in time is shown as, and how long that is remembered.

A page whose render ran past the worker's time bound would run past it again on the next view,
the next thumbnail and the next reader, each holding a worker for the whole bound. So the first
time-out is remembered in the page cache (a marker next to the page's images) and, while it is
remembered, every request for that page is answered at once with a clear placeholder: an image
that says the page is too complex to show, the reader's page view pointing at that image. The
marker expires, so a page that timed out only because the machine was overloaded is tried again.

No PyMuPDF here: the server answers with these directly.
"""

import json
import time
from xml.sax.saxutils import escape

from storage.pdf.shared import RenderedPage
from storage.pdf.text_layer import compact_lines

# How long a page that timed out is answered with the placeholder before it is tried again.
REMEMBER_TIMEOUT_S = 3600.0
TIMED_OUT = "timedout"  # the page cache's format name for the marker
PLACEHOLDER_LINES = (
    "Trang này quá phức tạp để hiển thị",
    "(vẽ trang vượt quá thời gian cho phép).",
    "Hãy mở tệp gốc, hoặc đề nghị thư ký",
    "tải lên bản xuất lại.",
)


def marker_key(key: tuple) -> tuple:
    """The marker's page cache key for a page (or a glyph block) whose render key is `key`."""
    digest, page, fmt, _ = key
    return (digest, page, TIMED_OUT if fmt != "glyphs" else "gtimeout", 0)


def marker(now: float | None = None) -> RenderedPage:
    return RenderedPage(repr(time.time() if now is None else now).encode(), "text/plain")


def still_remembered(stored: RenderedPage | None, now: float | None = None) -> bool:
    if stored is None:
        return False
    try:
        when = float(stored.body)
    except ValueError:
        return False
    return (time.time() if now is None else now) - when < REMEMBER_TIMEOUT_S


def placeholder(key: tuple, words_json: str | None = None) -> RenderedPage:
    """What is sent instead of the render named by `key` (sha256, page, format, width)."""
    _, page, fmt, _ = key
    if fmt == "view":  # the reader then asks for the image, and gets the one below
        lines = compact_lines(json.loads(words_json)) if words_json else []
        view = {"page": page, "lines": lines, "raster": True, "placeholder": True}
        body = json.dumps(view, ensure_ascii=False).encode()
        return RenderedPage(body, "application/json", placeholder=True)
    if fmt == "glyphs":
        return RenderedPage(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml", placeholder=True)
    return RenderedPage(_image(page).encode(), "image/svg+xml", placeholder=True)


def _image(page: int) -> str:
    """An A4-shaped sheet with the message in large type; an <img> scales it to the page slot."""
    rows = [f"Trang {page}", *PLACEHOLDER_LINES]
    text = "".join(
        f"<text x='297.5' y='{390 + index * 40}' font-size='{30 if index == 0 else 22}'"
        f" font-family='sans-serif' text-anchor='middle' fill='#222'>{escape(row)}</text>"
        for index, row in enumerate(rows)
    )
    return (
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 595 842' width='595' height='842'>"
        "<rect width='595' height='842' fill='#f4f4f4' stroke='#999' stroke-width='4'/>"
        "<path d='M257.5 250h80v80h-80z' fill='none' stroke='#b00' stroke-width='6'/>"
        "<path d='M277.5 270l40 40m0-40l-40 40' stroke='#b00' stroke-width='6'/>"
        f"{text}</svg>"
    )
