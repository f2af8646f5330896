"""A meeting's shared annotations in the W3C Web Annotation Data Model, as JSON-LD.

One AnnotationCollection whose first (and only) AnnotationPage holds every annotation. Targets
name the document and select the spot twice over, as the model allows: a TextQuoteSelector
with the quoted text and a FragmentSelector in PDF open parameters (RFC 3778:
"page=N&viewrect=left,top,width,height" in points from the top-left of the displayed page,
exactly the API's coordinates). Hidden comments are moderated content and are left out.
"""

from annotations.models import Annotation, Kind
from documents.models import Paragraph

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
PDF_FRAGMENT = "http://tools.ietf.org/rfc/rfc3778"
SVG_NS = "http://www.w3.org/2000/svg"
NOTE_BOX_PT = 20.0
MOTIVATIONS = {Kind.COMMENT: "commenting", Kind.HIGHLIGHT: "highlighting", Kind.INK: "highlighting"}


def annotation_collection(
    meeting, annotations: list[Annotation], paragraphs: dict[int, Paragraph], base_url: str
) -> dict:
    """The collection document; `base_url` (ending in "/") makes every id an absolute IRI."""
    collection_id = f"{base_url}api/meetings/{meeting.id}/annotations.jsonld"
    items = [_annotation(a, paragraphs, base_url, collection_id) for a in annotations]
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
    annotation: Annotation, paragraphs: dict[int, Paragraph], base_url: str, collection_id: str
) -> dict:
    source = f"{base_url}api/documents/{annotation.document_id}"
    item = {
        "@context": CONTEXT,
        "id": annotation_iri(collection_id, annotation.id),
        "type": "Annotation",
        "motivation": _motivation(annotation),
        "creator": {
            "type": "Person",
            "name": annotation.author.display_name,
            "nickname": annotation.author.username,
        },
        "created": _instant(annotation.created_at),
        "modified": _instant(annotation.updated_at),
    }
    if annotation.body.strip():
        item["body"] = {
            "type": "TextualBody",
            "value": annotation.body,
            "format": "text/plain",
            "language": "vi",
        }
    if annotation.reply_to_id:
        item["target"] = annotation_iri(collection_id, annotation.reply_to_id)
        return item
    selectors = _selectors(annotation, paragraphs)
    item["target"] = {"type": "SpecificResource", "source": source}
    if selectors:
        item["target"]["selector"] = selectors if len(selectors) > 1 else selectors[0]
    return item


def _motivation(annotation: Annotation) -> str:
    if annotation.reply_to_id:
        return "replying"
    if annotation.kind == Kind.NOTE:
        return "commenting" if annotation.body.strip() else "bookmarking"
    return MOTIVATIONS[annotation.kind]


def _selectors(annotation: Annotation, paragraphs: dict[int, Paragraph]) -> list[dict]:
    target = annotation.target or {}
    quote = target.get("quote") or ""
    box, page = None, annotation.page
    if annotation.kind == Kind.COMMENT:
        paragraph = paragraphs.get(annotation.paragraph_id)
        if paragraph is None:
            return []
        box, page, quote = paragraph.bbox, paragraph.page, quote or paragraph.text
    elif annotation.kind == Kind.HIGHLIGHT:
        box = _union(target["quads"])
    elif annotation.kind == Kind.INK:
        box = _union([[x, y, x, y] for path in target["paths"] for x, y in path])
    else:
        x, y = target["point"]
        box = [x, y, x + NOTE_BOX_PT, y + NOTE_BOX_PT]
    selectors = []
    if quote:
        selectors.append({"type": "TextQuoteSelector", "exact": quote})
    x0, y0, x1, y1 = box
    selectors.append(
        {
            "type": "FragmentSelector",
            "conformsTo": PDF_FRAGMENT,
            "value": f"page={page}&viewrect={_n(x0)},{_n(y0)},{_n(x1 - x0)},{_n(y1 - y0)}",
        }
    )
    if annotation.kind == Kind.INK:
        selectors.append({"type": "SvgSelector", "value": _svg(target["paths"])})
    return selectors


def _union(boxes: list) -> list[float]:
    return [
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    ]


def _svg(paths: list) -> str:
    """The strokes as SVG paths, in the same displayed-page points as the viewrect."""
    drawn = "".join("<path d='M" + " L".join(f"{_n(x)},{_n(y)}" for x, y in path) + "'/>" for path in paths)
    return f"<svg xmlns='{SVG_NS}'>{drawn}</svg>"


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _instant(value) -> str:
    return value.replace(microsecond=0).isoformat() + "Z"
