"""How a long report is cut for laying out on several PDF workers at once (no PyMuPDF here)."""

from collections.abc import Sequence
from itertools import pairwise

# Below this much HTML a second worker costs more (a page break, a join) than it saves.
SPLIT_MIN_CHARS = 150_000
# A part may start a page where a fragment opens with a heading; other boundaries are a last resort.
SECTION_STARTS = ("<h1", "<h2", "<h3")


# A fragment that is exactly this makes the next one start a new page (an appendix); here, not in
# typeset.py, so the web process can name it without importing PyMuPDF.
PAGE_BREAK = "<!-- page-break -->"
# A fragment that starts with TABLE_MARK is a table to lay out a page at a time (table_fragment).
TABLE_MARK = "<!--table-->"
TABLE_PART = "<!--|-->"


def table_fragment(rows: Sequence[str], head: str, opening: str = "<table>", before: str = "") -> str:
    """A table for `layout_pdf` to lay out a page at a time, `head` (a <tr>) repeated at the top of
    each page; `before` (its heading) stays with its first rows. Give the cells fixed widths."""
    return TABLE_MARK + TABLE_PART.join([before, opening, head, *rows])


def split_fragments(fragments: Sequence[str], parts: int) -> list[list[str]]:
    """Cut fragments into `parts` runs of about equal length, each starting at a heading if it can.

    Each run begins a new page when laid out apart, so a cut goes where a new page looks natural.
    """
    fragments = list(fragments)
    total = sum(len(f) for f in fragments)
    if parts < 2 or total < SPLIT_MIN_CHARS or len(fragments) < parts:
        return [fragments]
    cuts, seen, target = [], 0, total / parts
    offsets = []
    for index, fragment in enumerate(fragments):
        offsets.append((index, seen))
        seen += len(fragment)
    for k in range(1, parts):
        goal = target * k
        headed = [(abs(at - goal), i) for i, at in offsets if i and fragments[i].startswith(SECTION_STARTS)]
        near = [(d, i) for d, i in headed if d <= target / 4]
        cuts.append(min(near or [(abs(at - goal), i) for i, at in offsets if i])[1])
    bounds = [0, *sorted(set(cuts)), len(fragments)]
    return [fragments[a:b] for a, b in pairwise(bounds) if a < b]
