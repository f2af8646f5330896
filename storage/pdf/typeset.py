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

Two rules of a printed report MuPDF does not keep, kept here:
- An element whose id starts with "keep" (a heading) is never the last thing on a page: when it
  would be, the page ends above it and it opens the next one with what follows it (elements
  after it need an id too, so that the layout sees them).
- A table made by `fragments.table_fragment` is never broken by MuPDF (whose tables, continued on a new
  page, may run past its foot): it is laid out a page at a time, each page's rows in a table
  of their own under the header row, repeated, and a row is never split. Its columns have
  fixed widths, so the pieces line up.
"""

import io
import logging
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import pymupdf

from storage.pdf.fragments import PAGE_BREAK, TABLE_MARK, TABLE_PART

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
KEEP_PREFIX = "keep"
KEEP_TRIES = 4
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
    author, subject, creationDate ...), and "language" (e.g. "vi-VN") for the catalog's /Lang.
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
    pages = _Pages(writer, page_rect, content)
    for chunk in _chunks(fragments, STORY_CHARS):
        if chunk == PAGE_BREAK:
            if pages.device is not None:
                pages.close()
            continue
        if chunk.startswith(TABLE_MARK):
            _lay_table(
                chunk, pages, lambda html: pymupdf.Story(html=html, user_css=font_css + css, archive=archive)
            )
            continue
        story = pymupdf.Story(html=chunk, user_css=font_css + css, archive=archive)
        more = True
        while more:
            pages.open()
            placed = _place(story, pages.free, fresh=pages.fresh)
            if placed is None:  # a heading would be left alone at the foot: it opens the next page
                pages.close()
                continue
            more, filled = placed
            story.draw(pages.device)
            pages.advance(filled, more)
    pages.finish(bool(fragments))
    writer.close()
    document = pymupdf.open("pdf", buffer.getvalue())
    document.subset_fonts()  # here, so that parts laid out in parallel are also subset in parallel
    return document.tobytes(garbage=1, deflate=True)


class _Pages:
    """The page being filled and the free area left on it."""

    def __init__(self, writer, page_rect, content):
        self.writer, self.page_rect, self.content = writer, page_rect, content
        self.device, self.free = None, content

    @property
    def fresh(self) -> bool:
        return self.free.y0 <= self.content.y0

    def open(self) -> None:
        if self.device is None:
            self.device, self.free = self.writer.begin_page(self.page_rect), self.content

    def close(self) -> None:
        self.writer.end_page()
        self.device = None

    def advance(self, filled, more: bool) -> None:
        """After drawing what filled `filled`: the page ends if the story goes on or too little is left."""
        content = self.content
        self.free = pymupdf.Rect(content.x0, pymupdf.Rect(filled).y1, content.x1, content.y1)
        if more or self.free.height < MIN_START_PT:
            self.close()

    def finish(self, any_content: bool) -> None:
        if self.device is not None or not any_content:
            if self.device is None:
                self.writer.begin_page(self.page_rect)
            self.writer.end_page()


def _place(story: pymupdf.Story, rect: pymupdf.Rect, fresh: bool):
    """`story.place(rect)`, ending the page above a "keep" element (a heading) that would be the
    last thing on it. None: the element opens `rect`, on a page that already holds something, so
    the page should end here; on a fresh page there is no better place, and it stays."""
    area = rect
    for _ in range(KEEP_TRIES):
        more, filled = story.place(area)
        if not more:
            return more, filled
        cut = _stranded_at(story)
        if cut is None:
            return more, filled
        if cut <= rect.y0 + 1:
            return story.place(rect) if fresh else None
        area = pymupdf.Rect(rect.x0, rect.y0, rect.x1, cut - 0.5)
    return more, filled


def _stranded_at(story: pymupdf.Story) -> float | None:
    """The top of the "keep" element placed last (the last element with an id), if it is one."""
    opened: list[tuple[str, float]] = []
    story.element_positions(
        lambda at: opened.append((at.id, at.rect[1])) if at.id and at.open_close & 1 else None
    )
    if opened and opened[-1][0].startswith(KEEP_PREFIX):
        return opened[-1][1]
    return None


def _lay_table(fragment: str, pages: _Pages, make_story) -> None:
    """As many whole rows as fit on the page under the header, then the rest on the next pages."""
    before, opening, head, *rows = fragment.removeprefix(TABLE_MARK).split(TABLE_PART)
    start, first = 0, True
    while first or start < len(rows):
        pages.open()

        def story(end: int, first=first, start=start) -> pymupdf.Story:
            top = (before if first else "") + opening + head
            return make_story(top + "".join(rows[start:end]) + "</table>")

        fits = _rows_that_fit(story, start, len(rows), pages.free)
        if fits == start and rows and not pages.fresh:  # not even one row: to the next page, whole
            pages.close()
            continue
        end = max(fits, min(start + 1, len(rows)))  # a row taller than a page still goes somewhere
        laid = story(end)
        _more, filled = laid.place(pages.free)
        laid.draw(pages.device)
        start, first = end, False
        pages.advance(filled, start < len(rows))


def _rows_that_fit(story, start: int, end: int, rect: pymupdf.Rect) -> int:
    """The most rows from `start` that fit in `rect` under the header (binary search)."""
    low, high = start, end  # story(low) fits (or is the header alone), story(high + 1) does not
    if not story(end).place(rect)[0]:
        return end
    high = end - 1
    while low < high:
        middle = (low + high + 1) // 2
        if story(middle).place(rect)[0]:
            high = middle - 1
        else:
            low = middle
    return low


def _chunks(fragments: list[str], size: int):
    """Consecutive fragments joined into strings of about `size` characters (a long one, and a
    table fragment, alone)."""
    chunk, length = [], 0
    for fragment in fragments:
        if fragment == PAGE_BREAK:  # a chunk of its own: what follows starts a new page
            if chunk:
                yield "".join(chunk)
            yield PAGE_BREAK
            chunk, length = [], 0
            continue
        if chunk and (length + len(fragment) > size or fragment.startswith(TABLE_MARK)):
            yield "".join(chunk)
            chunk, length = [], 0
        chunk.append(fragment)
        length += len(fragment)
        if fragment.startswith(TABLE_MARK):
            yield chunk[0]
            chunk, length = [], 0
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
        metadata = dict(metadata)
        language = metadata.pop("language", None)
        document.set_metadata({"producer": "PyMuPDF", **metadata})
        if language:  # the catalog's /Lang: screen readers and spell checkers read it
            document.xref_set_key(document.pdf_catalog(), "Lang", pymupdf.get_pdf_str(language))
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
