"""Typeset Vietnamese HTML into PDF with PyMuPDF's Story and embedded, subset Unicode fonts.

PyMuPDF's base-14 fonts have no Vietnamese glyphs (ệ, ồ, ộ come out as dots), so every
document we produce embeds its fonts; MuPDF subsets them on save. Two families are offered to
the CSS: `noto` (Noto Sans, from `pymupdf-fonts`) and `times`, a Times New Roman–metric serif
with full Vietnamese (Liberation Serif, Debian's fonts-liberation2), which the council's
official papers use: Nghị định 30/2020/NĐ-CP asks for Times New Roman.

Page layout follows the same decree: A4, margins top and bottom 20 mm, left 30 mm, right
15 mm; page numbers at the top centre in Arabic digits, not shown on the first page.

A Story lays out in time that grows with the square of its length (5,000 comments in one
Story take minutes), so long reports come as a list of fragments, laid out in Stories of
about 10 kB each, flowed one after another onto the same pages.
"""

import io
import logging
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import pymupdf

from storage.pdf.fragments import PAGE_BREAK

log = logging.getLogger(__name__)

A4 = pymupdf.paper_rect("a4")
MM = 72 / 25.4
MARGINS = (30 * MM, 20 * MM, 15 * MM, 20 * MM)  # left, top, right, bottom (Nghị định 30)
PAGE_NUMBER_SIZE_PT = 13
# Where Debian puts the Times-metric serif; the first folder holding all four styles wins.
SERIF_DIRS = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
)
SERIF_FILES = {
    ("normal", "normal"): "LiberationSerif-Regular.ttf",
    ("bold", "normal"): "LiberationSerif-Bold.ttf",
    ("normal", "italic"): "LiberationSerif-Italic.ttf",
    ("bold", "italic"): "LiberationSerif-BoldItalic.ttf",
}
# Room a fragment needs at the foot of a page before it is worth starting there.
MIN_START_PT = 40
# Fragments are laid out in Stories of about this much HTML: fewer Stories cost less to set up
# and draw, longer ones cost more to place (measured: 10 kB takes 30% less time than 1 kB or 30 kB).
STORY_CHARS = 10_000

BASE_CSS = """
* { font-family: noto; font-size: 13pt; line-height: 1.35; }
body { margin: 0; }
h1 { font-size: 15pt; font-weight: bold; text-align: center; margin: 6pt 0 2pt 0; }
h2 { font-size: 13pt; font-weight: bold; margin: 10pt 0 4pt 0; }
p { text-align: justify; text-indent: 24pt; margin: 0 0 6pt 0; }
.center { text-align: center; text-indent: 0; }
.bold { font-weight: bold; }
.italic { font-style: italic; }
.small { font-size: 11pt; }
table { border-collapse: collapse; width: 100%; }
td, th { border: 0.6pt solid #444; padding: 3pt 4pt; font-size: 11pt; vertical-align: top; }
th { font-weight: bold; background-color: #eeeeee; }
"""


@cache
def serif_dir() -> Path | None:
    """The folder of the Times-metric serif, or None (then `times` falls back to Noto Sans)."""
    for folder in SERIF_DIRS:
        if all((folder / name).is_file() for name in SERIF_FILES.values()):
            return folder
    log.warning("Liberation Serif not found (Debian: fonts-liberation2); official papers use Noto Sans")
    return None


def _font_archive() -> tuple[pymupdf.Archive, str]:
    archive = pymupdf.Archive()
    css = ""
    for code in ("notos", "notosbo", "notosit", "notosbi"):
        css = pymupdf.css_for_pymupdf_font(code, CSS=css, archive=archive, name="noto")
    folder = serif_dir()
    if folder is None:
        for code in ("notos", "notosbo", "notosit", "notosbi"):
            css = pymupdf.css_for_pymupdf_font(code, CSS=css, archive=archive, name="times")
        return archive, css
    archive.add(str(folder))
    for (weight, style), name in SERIF_FILES.items():
        css += (
            f"@font-face {{font-family: times; src: url({name}); "
            f"font-weight: {weight}; font-style: {style};}}\n"
        )
    return archive, css


def _page_number_font() -> pymupdf.Font:
    folder = serif_dir()
    if folder is None:
        return pymupdf.Font("notos")
    return pymupdf.Font(fontfile=str(folder / SERIF_FILES["normal", "normal"]))


def html_to_pdf(
    html: str | Sequence[str],
    css: str = BASE_CSS,
    page_rect: Sequence[float] = A4,
    page_numbers: str | None = None,
    metadata: dict | None = None,
) -> bytes:
    """Lay out `html` (one string, or fragments flowed in order) and return the PDF bytes.

    `page_numbers`, e.g. "{page}" (or "{page}/{pages}"), is set at the top centre of every page
    but the first, as the decree asks; `metadata` as PyMuPDF's `set_metadata` takes it (title,
    author, subject, creationDate ...).
    """
    return finish_pdf([layout_pdf(html, css, page_rect)], page_numbers, metadata)


def layout_pdf(html: str | Sequence[str], css: str = BASE_CSS, page_rect: Sequence[float] = A4) -> bytes:
    """The pages of `html` as a PDF without page numbers, for `finish_pdf`.

    Separate so that halves of a long report can be laid out by two workers at once.
    """
    fragments = [html] if isinstance(html, str) else list(html)
    archive, font_css = _font_archive()
    left, top, right, bottom = MARGINS
    page_rect = pymupdf.Rect(page_rect)  # a plain tuple when it comes from the server process
    content = pymupdf.Rect(left, top, page_rect.width - right, page_rect.height - bottom)
    buffer = io.BytesIO()
    writer = pymupdf.DocumentWriter(buffer)
    device, free = None, content
    for chunk in _chunks(fragments, STORY_CHARS):
        if chunk == PAGE_BREAK:
            if device is not None:
                writer.end_page()
                device = None
            continue
        story = pymupdf.Story(html=chunk, user_css=font_css + css, archive=archive)
        more = True
        while more:
            if device is None:
                device, free = writer.begin_page(page_rect), content
            more, filled = story.place(free)
            story.draw(device)
            free = pymupdf.Rect(content.x0, pymupdf.Rect(filled).y1, content.x1, content.y1)
            if more or free.height < MIN_START_PT:
                writer.end_page()
                device = None
    if device is not None or not fragments:
        if device is None:
            writer.begin_page(page_rect)
        writer.end_page()
    writer.close()
    document = pymupdf.open("pdf", buffer.getvalue())
    document.subset_fonts()  # here, so that parts laid out in parallel are also subset in parallel
    return document.tobytes(garbage=1, deflate=True)


def _chunks(fragments: list[str], size: int):
    """Consecutive fragments joined into strings of about `size` characters (a long one alone)."""
    chunk, length = [], 0
    for fragment in fragments:
        if fragment == PAGE_BREAK:  # a chunk of its own: what follows starts a new page
            if chunk:
                yield "".join(chunk)
            yield PAGE_BREAK
            chunk, length = [], 0
            continue
        if chunk and length + len(fragment) > size:
            yield "".join(chunk)
            chunk, length = [], 0
        chunk.append(fragment)
        length += len(fragment)
    if chunk:
        yield "".join(chunk)


def finish_pdf(
    parts: Sequence[bytes], page_numbers: str | None = None, metadata: dict | None = None
) -> bytes:
    """Join laid-out parts, number the pages, keep only the glyphs used, and compress."""
    document = pymupdf.open("pdf", parts[0])
    for part in parts[1:]:
        with pymupdf.open("pdf", part) as more:
            document.insert_pdf(more)
    if page_numbers:
        _number_pages(document, page_numbers, MARGINS[1])
    if metadata:
        document.set_metadata({"producer": "PyMuPDF", **metadata})
    document.subset_fonts()
    return document.tobytes(garbage=3, deflate=True)


def _number_pages(document: pymupdf.Document, template: str, top_margin: float) -> None:
    """Number the pages once their count is known: top centre, upright, 13 pt, in the body's
    serif, from page 2 on (Nghị định 30 shows no number on the first page)."""
    font = _page_number_font()
    total = document.page_count
    matrix = _undo_flip(document, document[0])
    for page in document:
        if page.number == 0:
            continue
        text = template.format(page=page.number + 1, pages=total)
        width = font.text_length(text, fontsize=PAGE_NUMBER_SIZE_PT)
        baseline = top_margin * 0.6
        writer = pymupdf.TextWriter(page.rect)
        writer.append(
            ((page.rect.width - width) / 2, baseline), text, font=font, fontsize=PAGE_NUMBER_SIZE_PT
        )
        writer.write_text(page, color=(0, 0, 0), matrix=matrix)


def _undo_flip(document: pymupdf.Document, page: pymupdf.Page) -> pymupdf.Matrix | None:
    """DocumentWriter pages leave a y-flip in force after their content; text added after it must
    flip back (cheaper than wrapping every page's content in q/Q, which rewrites the streams)."""
    contents = page.get_contents()
    first = document.xref_stream(contents[0])[:16] if contents else b""
    flipped = first.startswith(b"1 0 0 -1 ") and not first.startswith(b"q")
    return pymupdf.Matrix(1, 0, 0, -1, 0, page.rect.height) if flipped else None
