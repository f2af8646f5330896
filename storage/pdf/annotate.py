"""Write annotations into a copy of a PDF as real PDF annotations any reader shows and lists.

Pure function over a path, no Flask; run it in a PDF worker (storage/workers.py). Marks come in
points of the page as displayed (after /Rotate), which is how clients and the API see pages;
PyMuPDF's annotation methods take unrotated page space, hence `page.derotation_matrix`.
"""

from datetime import datetime, timedelta

import pymupdf

from storage.pdf.active import strip_active
from storage.pdf.shared import Mark

ICON_PT = 20.0
POPUP_PT = (200.0, 100.0)  # width, height of the note window a reader opens on an annotation
# Icons anchored at the same spot (two comments on one paragraph) step left along the margin,
# level with their paragraph, instead of hiding each other; down only where the margin ends.
STACK_STEP_PT = 22.0
VIETNAM = timedelta(hours=7)


def annotate_pdf(pdf_path: str, marks: list[Mark]) -> bytes:
    """The PDF at `pdf_path` with `marks` added; replies are threaded to their parent (/IRT).

    Active content is stripped again (storage.pdf.active), whatever the stored file holds: a
    file stored before sanitizing existed, or one an earlier version let through, leaves clean.
    """
    document = pymupdf.open(pdf_path, filetype="pdf")
    strip_active(document)
    written: dict[str, int] = {}
    stacked: dict[tuple[int, float, float], int] = {}
    for mark in marks:
        if not 1 <= mark.page <= document.page_count:
            continue
        page = document[mark.page - 1]
        annot = _add(page, mark, written, stacked)
        annot.set_info(
            title=mark.author,
            content=mark.content,
            subject=mark.subject,
            creationDate=_pdf_date(mark.created),
            modDate=_pdf_date(mark.modified),
        )
        if mark.content or mark.kind in ("note", "comment"):
            # An empty note gets its window too: a reader otherwise opens one wherever it likes.
            annot.set_popup(
                _popup_beside(annot.rect * page.rotation_matrix, page.rect) * page.derotation_matrix
            )
        annot.update()
        document.xref_set_key(annot.xref, "NM", pymupdf.get_pdf_str(mark.name))
        written[mark.name] = annot.xref
    return document.tobytes(garbage=3, deflate=True)


def _add(page: pymupdf.Page, mark: Mark, written: dict[str, int], stacked: dict) -> pymupdf.Annot:
    derotate = page.derotation_matrix
    if mark.kind == "highlight":
        # Transforming the quad, not its rect, keeps its corners in reading order on turned pages.
        annot = page.add_highlight_annot(quads=[pymupdf.Rect(q).quad * derotate for q in mark.quads])
        _color(annot, mark.color, fill=False)
        return annot
    if mark.kind == "ink":
        strokes = [[tuple(pymupdf.Point(p) * derotate) for p in path] for path in mark.paths]
        annot = page.add_ink_annot(strokes)
        annot.set_border(width=mark.width or 2.0)
        _color(annot, mark.color, fill=False)
        return annot
    parent = written.get(mark.reply_to) if mark.reply_to else None
    x, y = mark.point or (0.0, 0.0)
    if parent is None:
        key = (page.number, round(x), round(y))
        x, y = _stacked(x, y, stacked.get(key, 0), page.rect)
        stacked[key] = stacked.get(key, 0) + 1
    # MuPDF keeps a sticky note upright and grows it right and down from its displayed top-left.
    corner = _inside(pymupdf.Rect(x, y, x + ICON_PT, y + ICON_PT), page.rect).tl * derotate
    annot = page.add_text_annot(corner, mark.content, icon="Comment" if mark.kind == "comment" else "Note")
    _color(annot, mark.color, fill=False)
    if parent is not None:
        annot.set_irt_xref(parent)
    return annot


def _stacked(x: float, y: float, earlier: int, page: pymupdf.Rect) -> tuple[float, float]:
    """Where the icon after `earlier` others at the same spot goes: further left in the margin
    while there is room (so it stays beside its own paragraph), then a row further down."""
    per_row = max(1, int((x - page.x0) // STACK_STEP_PT) + 1)
    row, column = divmod(earlier, per_row)
    return x - STACK_STEP_PT * column, y + STACK_STEP_PT * row


def _popup_beside(shown: pymupdf.Rect, page: pymupdf.Rect) -> pymupdf.Rect:
    """The note window right of its annotation, else left, top edges level (pushed up where the
    page ends); for a drawing too wide for either, below it, else above: never over what it
    annotates where the page has room."""
    width, height = POPUP_PT
    right = pymupdf.Rect(shown.x1 + 4, shown.y0, shown.x1 + 4 + width, shown.y0 + height)
    left = pymupdf.Rect(shown.x0 - 4 - width, shown.y0, shown.x0 - 4, shown.y0 + height)
    for place in (right, left):
        if page.x0 <= place.x0 and place.x1 <= page.x1:
            return _inside(place, page)
    below = pymupdf.Rect(shown.x0, shown.y1 + 4, shown.x0 + width, shown.y1 + 4 + height)
    above = pymupdf.Rect(shown.x0, shown.y0 - 4 - height, shown.x0 + width, shown.y0 - 4)
    for place in (below, above):
        if page.y0 <= place.y0 and place.y1 <= page.y1:
            return _inside(place, page)
    return _inside(right, page)


def _inside(rect: pymupdf.Rect, page: pymupdf.Rect) -> pymupdf.Rect:
    """Keep an icon on the page, however close to an edge its paragraph starts."""
    dx = max(page.x0 - rect.x0, 0) or min(page.x1 - rect.x1, 0)
    dy = max(page.y0 - rect.y0, 0) or min(page.y1 - rect.y1, 0)
    return pymupdf.Rect(rect.x0 + dx, rect.y0 + dy, rect.x1 + dx, rect.y1 + dy)


def _color(annot: pymupdf.Annot, color: str | None, *, fill: bool) -> None:
    if not color:
        return
    rgb = tuple(int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    annot.set_colors(stroke=rgb, fill=rgb if fill else None)


def _pdf_date(value: datetime) -> str:
    """A PDF date in Vietnam's time, as readers show it: D:YYYYMMDDHHmmSS+07'00'."""
    local = value + VIETNAM  # Vietnam keeps no summer time
    return f"D:{local:%Y%m%d%H%M%S}+07'00'"
