"""Typeset Vietnamese HTML into PDF with PyMuPDF's Story and an embedded Noto font.

PyMuPDF's base-14 fonts have no Vietnamese glyphs (ệ, ồ, ộ come out as dots), so every
document we produce embeds Noto Sans from `pymupdf-fonts`; MuPDF subsets it on save.

A Story lays out in time that grows with the square of its length (5,000 comments in one
Story take minutes), so long reports come as a list of fragments, laid out in Stories of
about 10 kB each, flowed one after another onto the same pages.
"""

import io
from collections.abc import Sequence

import pymupdf

A4 = pymupdf.paper_rect("a4")
MARGINS = (70, 56, 56, 56)  # left, top, right, bottom in points: the administrative layout
# Room a fragment needs at the foot of a page before it is worth starting there.
MIN_START_PT = 40
FOOTER_SIZE_PT = 10
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


def _font_archive() -> tuple[pymupdf.Archive, str]:
    archive = pymupdf.Archive()
    css = ""
    for code in ("notos", "notosbo", "notosit", "notosbi"):
        css = pymupdf.css_for_pymupdf_font(code, CSS=css, archive=archive, name="noto")
    return archive, css


def html_to_pdf(
    html: str | Sequence[str],
    css: str = BASE_CSS,
    page_rect: Sequence[float] = A4,
    footer: str | None = None,
    metadata: dict | None = None,
) -> bytes:
    """Lay out `html` (one string, or fragments flowed in order) and return the PDF bytes.

    `footer`, e.g. "Trang {page}/{pages}", is centred at the foot of every page; `metadata` as
    PyMuPDF's `set_metadata` takes it (title, author, subject, creationDate ...).
    """
    return finish_pdf([layout_pdf(html, css, page_rect)], footer, metadata)


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
        if chunk and length + len(fragment) > size:
            yield "".join(chunk)
            chunk, length = [], 0
        chunk.append(fragment)
        length += len(fragment)
    if chunk:
        yield "".join(chunk)


def finish_pdf(parts: Sequence[bytes], footer: str | None = None, metadata: dict | None = None) -> bytes:
    """Join laid-out parts, number the pages, keep only the glyphs used, and compress."""
    document = pymupdf.open("pdf", parts[0])
    for part in parts[1:]:
        with pymupdf.open("pdf", part) as more:
            document.insert_pdf(more)
    if footer:
        _number_pages(document, footer, MARGINS[3])
    if metadata:
        document.set_metadata({"producer": "PyMuPDF", **metadata})
    document.subset_fonts()
    return document.tobytes(garbage=3, deflate=True)


def _number_pages(document: pymupdf.Document, footer: str, bottom_margin: float) -> None:
    """Stamp "page x of y" once the page count is known, in the same embedded font."""
    font = pymupdf.Font("notos")
    total = document.page_count
    matrix = _undo_flip(document, document[0])
    for page in document:
        text = footer.format(page=page.number + 1, pages=total)
        width = font.text_length(text, fontsize=FOOTER_SIZE_PT)
        baseline = page.rect.height - bottom_margin / 2
        writer = pymupdf.TextWriter(page.rect)
        writer.append(((page.rect.width - width) / 2, baseline), text, font=font, fontsize=FOOTER_SIZE_PT)
        writer.write_text(page, color=(0.25, 0.25, 0.25), matrix=matrix)


def _undo_flip(document: pymupdf.Document, page: pymupdf.Page) -> pymupdf.Matrix | None:
    """DocumentWriter pages leave a y-flip in force after their content; text added after it must
    flip back (cheaper than wrapping every page's content in q/Q, which rewrites the streams)."""
    contents = page.get_contents()
    first = document.xref_stream(contents[0])[:16] if contents else b""
    flipped = first.startswith(b"1 0 0 -1 ") and not first.startswith(b"q")
    return pymupdf.Matrix(1, 0, 0, -1, 0, page.rect.height) if flipped else None
