"""A new version of a document carries the annotations of the one it replaces.

Each annotation of the old version (shared ones, and private ones for their author) is copied
onto the new one, placed on the paragraph whose text it was on (storage.reanchor, run in a PDF
worker) and marked `anchor: {"status": "unchanged" | "edited" | "orphaned", "previous_id"}`.
The copies are ordinary annotations of the new version: they take its seq numbers, so catch-up
(`?since=`) and every export see them. Nothing is dropped: an annotation whose paragraph is gone
is kept as "orphaned" (a comment with `paragraph_id: null`).

Delegates keep writing while the new version is matched (seconds, in a worker): at the switch
the old version's seq row is taken, so a write to it either committed before (and is carried:
edits and deletions as they stand, new annotations placed by the paragraph links the worker
found) or waits and is then refused as `document_replaced`, naming the new version
(annotations.service).
"""

from collections.abc import Callable

from sqlalchemy import select, update

from accounts.models import User
from annotations.models import Annotation, Kind
from annotations.service import reserve_seqs
from core.errors import AppError
from core.extensions import db
from documents import service as documents
from documents.models import Document, Paragraph
from storage.pdf.shared import IngestResult, PdfRejected
from storage.reanchor import Para


def replace_document(
    actor: User,
    document_id: int,
    filename: str,
    data: bytes,
    title: str | None,
    runtime: documents.DocumentRuntime,
) -> Document:
    """Upload a new version; the old one stays readable and its annotations come along."""

    def carry(old: Document, result: IngestResult) -> Callable[[Document], None]:
        return _carry(old, result, runtime)

    return documents.replace_document(actor, document_id, filename, data, title, runtime, carry=carry)


def _old_annotations(old: Document) -> list[Annotation]:
    """Every live annotation of the old version, parents before their replies."""
    rows = db.session.scalars(
        select(Annotation).where(Annotation.document_id == old.id, Annotation.deleted_at.is_(None))
    )
    return sorted(rows, key=lambda a: (a.reply_to_id is not None, a.id))


def _para(key: int, page: int, bbox, parts, text: str) -> Para:
    return Para(key, text, page, tuple(bbox), [(part_page, tuple(box)) for part_page, box in parts])


def _carry(old: Document, result: IngestResult, runtime) -> Callable[[Document], None]:
    """Match in a worker now, before the write transaction opens; write the copies at its end."""
    old_paragraphs = db.session.scalars(
        select(Paragraph).where(Paragraph.document_id == old.id).order_by(Paragraph.number)
    ).all()
    annotations = _old_annotations(old)
    try:
        plan = runtime.pool.reanchor(
            [_para(p.id, p.page, p.bbox, p.parts, p.text) for p in old_paragraphs],
            [_para(i, p.page, p.bbox, p.parts, p.text) for i, p in enumerate(result.paragraphs)],
            [
                {
                    "id": a.id,
                    "kind": a.kind,
                    "target": a.target,
                    "paragraph_id": a.paragraph_id,
                    "page": a.page,
                    "reply_to": a.reply_to_id,
                }
                for a in annotations
            ],
            result.words_json,
            [(page.width, page.height) for page in result.pages],
        )
    except PdfRejected as failure:
        raise AppError(failure.code, 503, **failure.params) from None
    numbers = [p.number for p in result.paragraphs]

    def write(new: Document) -> None:
        ids_by_number = dict(
            db.session.execute(
                select(Paragraph.number, Paragraph.id).where(Paragraph.document_id == new.id)
            ).all()
        )
        ids = [ids_by_number[number] for number in numbers]
        _write_paragraph_links(plan["paragraphs"], ids)
        reserve_seqs(old.id, 1)  # the switch: writes to the old version now wait, then are refused
        current, placed = _as_they_stand(old, plan, result)
        _write_copies(new, current, placed, ids)

    return write


def _as_they_stand(old: Document, plan: dict, result: IngestResult) -> tuple[list[Annotation], dict]:
    """The old version's annotations at the switch, with where each goes: edits and deletions
    made while the worker matched are taken as they are now, and annotations added meanwhile are
    placed by the paragraph links (an old paragraph's text is in the new one that lists it)."""
    rows = db.session.scalars(
        select(Annotation).where(Annotation.document_id == old.id).execution_options(populate_existing=True)
    ).all()
    current = sorted(
        (a for a in rows if a.deleted_at is None), key=lambda a: (a.reply_to_id is not None, a.id)
    )
    placed = dict(plan["annotations"])
    late = [a for a in current if a.id not in placed]
    if late:
        links = {}
        for index, (sources, change) in sorted(plan["paragraphs"].items()):
            for source in sources:
                links.setdefault(source, (index, change))
        for annotation in late:
            placed[annotation.id] = _late_place(annotation, links, result)
    return current, placed


def _late_place(annotation: Annotation, links: dict, result: IngestResult) -> dict:
    place = {"paragraph": None, "target": dict(annotation.target), "page": None, "similarity": None}
    if annotation.kind == Kind.COMMENT:
        if annotation.paragraph_id is None:  # on the document as a whole
            return {**place, "status": "unchanged"}
        if annotation.paragraph_id not in links:
            return {**place, "status": "orphaned"}
        index, change = links[annotation.paragraph_id]
        status = "unchanged" if change == "unchanged" else "edited"
        return {**place, "paragraph": index, "page": result.paragraphs[index].page, "status": status}
    page = annotation.target.get("page")
    status = "edited" if isinstance(page, int) and 1 <= page <= len(result.pages) else "orphaned"
    return {**place, "page": page, "status": status}


def _write_paragraph_links(links: dict, ids: list[int]) -> None:
    rows = [
        {"id": ids[index], "previous_ids": sources, "change": change}
        for index, (sources, change) in links.items()
    ]
    if rows:
        db.session.execute(update(Paragraph), rows)


def _write_copies(new: Document, annotations: list[Annotation], placed: dict, ids: list[int]) -> None:
    if not annotations:
        return
    first = reserve_seqs(new.id, len(annotations))
    copies: dict[int, Annotation] = {}
    replies_from = next((i for i, a in enumerate(annotations) if a.reply_to_id is not None), len(annotations))
    for i, original in enumerate(annotations):
        if i == replies_from:
            db.session.flush()  # the parents' ids, for their replies
        place = placed[original.id]
        paragraph_id = ids[place["paragraph"]] if place["paragraph"] is not None else None
        target = dict(place["target"])
        if original.kind == Kind.COMMENT:
            parent = copies.get(original.reply_to_id)
            if parent is not None:
                paragraph_id = parent.paragraph_id
            target["paragraph_id"] = paragraph_id
            page = place["page"] if paragraph_id is not None else None
        else:
            page = target.get("page")
        copy = Annotation(
            document_id=new.id,
            author_id=original.author_id,
            kind=original.kind,
            visibility=original.visibility,
            target=target,
            body=original.body,
            paragraph_id=paragraph_id if original.kind == Kind.COMMENT else None,
            page=page,
            reply_to_id=copies[original.reply_to_id].id if original.reply_to_id in copies else None,
            seq=first + i,
            created_at=original.created_at,
            updated_at=original.updated_at,
            hidden_at=original.hidden_at,
            hidden_by_id=original.hidden_by_id,
            anchor={
                "status": place["status"],
                "previous_id": original.id,
                "similarity": place["similarity"],
            },
        )
        db.session.add(copy)
        copies[original.id] = copy
    db.session.flush()
