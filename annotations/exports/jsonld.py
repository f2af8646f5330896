"""A meeting's shared annotations in the W3C Web Annotation Data Model, as JSON-LD.

One AnnotationCollection whose first (and only) AnnotationPage holds every annotation. Each
target's source is the PDF itself (`/api/documents/<id>/file`) and its one selector is a
FragmentSelector in PDF open parameters (RFC 3778: "page=N&viewrect=left,top,width,height" in
points from the top-left of the displayed page, exactly the API's coordinates), refined where
there is more to say: by a TextQuoteSelector (with prefix and suffix from the paragraph) for
the quoted words inside that rectangle, by an SvgSelector in that page's coordinates for ink
(a viewBox of the whole page, strokes with their colour and width and no fill, so an SVG viewer
draws lines, not a black blob). The source says it is a Vietnamese PDF (`language` "vi").
A mark with no text typed on it still has a body saying what it is ("Đánh dấu", "Nét vẽ",
"Ghi chú"), so a reader that lists bodies lists it. Creators are named by an opaque URN, never
by their login name. Hidden comments are moderated content and are left out.
"""

from annotations.models import Annotation, Kind
from annotations.schemas import INK_COLORS

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
PDF_FRAGMENT = "http://tools.ietf.org/rfc/rfc3778"
SVG_NS = "http://www.w3.org/2000/svg"
NOTE_BOX_PT = 20.0
CONTEXT_CHARS = 32  # of the paragraph's text before and after a quote (prefix, suffix)
MOTIVATIONS = {Kind.COMMENT: "commenting", Kind.HIGHLIGHT: "highlighting", Kind.INK: "highlighting"}
# What a mark with no text is, as its body says it (the reports' own words, heading.KIND_LABELS).
MARK_NAMES = {Kind.HIGHLIGHT: "Đánh dấu", Kind.INK: "Nét vẽ", Kind.NOTE: "Ghi chú"}
LANGUAGE = "vi"


def annotation_collection(
    meeting,
    annotations: list[Annotation],
    paragraphs: dict,
    base_url: str,
    page_sizes: dict[tuple[int, int], tuple[float, float]] | None = None,
) -> dict:
    """The collection document; `base_url` (ending in "/") makes every id an absolute IRI;
    `page_sizes` (width, height of each (document, page) with ink) sizes the SVG selectors."""
    collection_id = f"{base_url}api/meetings/{meeting.id}/annotations.jsonld"
    sizes = page_sizes or {}
    items = [_annotation(a, paragraphs, base_url, collection_id, sizes) for a in annotations]
    return {
        "@context": CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": meeting.title,
        "total": len(items),
        "first": {
            "id": f"{collection_id}#page-1",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    }


def annotation_iri(collection_id: str, annotation_id: int) -> str:
    return f"{collection_id}#annotation-{annotation_id}"


def _annotation(
    annotation: Annotation, paragraphs: dict, base_url: str, collection_id: str, sizes: dict
) -> dict:
    source = f"{base_url}api/documents/{annotation.document_id}/file"
    item = {
        "@context": CONTEXT,
        "id": annotation_iri(collection_id, annotation.id),
        "type": "Annotation",
        "motivation": _motivation(annotation),
        "creator": {
            "id": creator_iri(annotation.author_id),
            "type": "Person",
            "name": annotation.author.display_name,
        },
        "created": _instant(annotation.created_at),
        "modified": _instant(annotation.updated_at),
    }
    if annotation.body.strip():
        item["body"] = {
            "type": "TextualBody",
            "value": annotation.body,
            "format": "text/plain",
            "language": LANGUAGE,
        }
    elif annotation.kind in MARK_NAMES:
        item["body"] = {
            "type": "TextualBody",
            "value": MARK_NAMES[annotation.kind],
            "purpose": item["motivation"],
            "format": "text/plain",
            "language": LANGUAGE,
        }
    if annotation.reply_to_id:
        item["target"] = annotation_iri(collection_id, annotation.reply_to_id)
        return item
    selector = _selector(annotation, paragraphs, sizes)
    item["target"] = {
        "type": "SpecificResource",
        "source": {"id": source, "format": "application/pdf", "language": LANGUAGE},
        "format": "application/pdf",
    }
    if selector:
        item["target"]["selector"] = selector
    return item


def creator_iri(user_id: int) -> str:
    """Who made it, stable across exports and meetings, without the person's login name."""
    return f"urn:phonghop:user:{user_id}"


def _motivation(annotation: Annotation) -> str:
    if annotation.reply_to_id:
        return "replying"
    if annotation.kind == Kind.NOTE:
        return "commenting" if annotation.body.strip() else "bookmarking"
    return MOTIVATIONS[annotation.kind]


def _selector(annotation: Annotation, paragraphs: dict, sizes: dict) -> dict | None:
    """One FragmentSelector for the page (and rectangle), refined by what lies inside it."""
    target = annotation.target or {}
    quote = target.get("quote") or ""
    page, paragraph = annotation.page, None
    if annotation.kind == Kind.COMMENT:
        paragraph = paragraphs.get(annotation.paragraph_id)
        if paragraph is None:
            return None
        box, page, quote = paragraph.bbox, paragraph.page, quote or paragraph.text
    elif annotation.kind == Kind.HIGHLIGHT:
        box = _union(target["quads"])
        x0, y0, x1, y1 = target["quads"][0]
        paragraph = _paragraph_at(
            paragraphs.get((annotation.document_id, page), []), (x0 + x1) / 2, (y0 + y1) / 2
        )
    elif annotation.kind == Kind.INK:
        size = sizes.get((annotation.document_id, page))
        return _fragment(f"page={page}", {"type": "SvgSelector", "value": _svg(target, size)})
    else:
        x, y = target["point"]
        box = [x, y, x + NOTE_BOX_PT, y + NOTE_BOX_PT]
    x0, y0, x1, y1 = box
    value = f"page={page}&viewrect={_n(x0)},{_n(y0)},{_n(x1 - x0)},{_n(y1 - y0)}"
    return _fragment(value, _quote(quote, paragraph.text if paragraph else "") if quote else None)


def _fragment(value: str, refined: dict | None) -> dict:
    selector = {"type": "FragmentSelector", "conformsTo": PDF_FRAGMENT, "value": value}
    if refined:
        selector["refinedBy"] = refined
    return selector


def _quote(exact: str, context: str) -> dict:
    """The quoted words, with the text around them in their paragraph when they are found in it."""
    selector = {"type": "TextQuoteSelector", "exact": exact}
    at = " ".join(context.split()).find(" ".join(exact.split())) if context else -1
    if at >= 0:
        flat = " ".join(context.split())
        end = at + len(" ".join(exact.split()))
        if at:
            selector["prefix"] = flat[max(0, at - CONTEXT_CHARS) : at]
        if end < len(flat):
            selector["suffix"] = flat[end : end + CONTEXT_CHARS]
    return selector


def _paragraph_at(candidates, x: float, y: float):
    for paragraph in candidates:
        if paragraph.x0 <= x <= paragraph.x1 and paragraph.y0 <= y <= paragraph.y1:
            return paragraph
    return None


def _union(boxes: list) -> list[float]:
    return [
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    ]


def _svg(target: dict, size: tuple[float, float] | None) -> str:
    """The strokes as SVG paths, in the same displayed-page points as the viewrect: the viewBox
    is the page (else the strokes' bounds), each path stroked in the ink's colour and width."""
    paths = target["paths"]
    if size:
        box = (0.0, 0.0, *size)
    else:
        x0, y0, x1, y1 = _union([[x, y, x, y] for path in paths for x, y in path])
        box = (x0, y0, max(x1 - x0, 1.0), max(y1 - y0, 1.0))
    stroke = INK_COLORS.get(target.get("color", "red"), INK_COLORS["red"])
    width = _n(float(target.get("width") or 2.0))
    style = (
        f"fill='none' stroke='{stroke}' stroke-width='{width}' stroke-linecap='round' stroke-linejoin='round'"
    )
    drawn = "".join(
        "<path d='M" + " L".join(f"{_n(x)},{_n(y)}" for x, y in path) + f"' {style}/>" for path in paths
    )
    view = " ".join(_n(v) for v in box)
    return f"<svg xmlns='{SVG_NS}' viewBox='{view}' width='{_n(box[2])}' height='{_n(box[3])}'>{drawn}</svg>"


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _instant(value) -> str:
    return value.replace(microsecond=0).isoformat() + "Z"
