"""The chair's comment digest: what delegates shared, by agenda item, document and paragraph.

A guest's (khách mời) answers in delegates' threads are listed where they were given, labelled with
the guest's office, and counted apart (`answers`): never as delegates' opinions.

`build_digest` is pure over rows already loaded (no queries), so the page, the JSON and every
export format present one and the same grouping. `gather` loads those rows in a few queries.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import select

from annotations.models import Annotation, Kind
from annotations.permissions import guest_ids
from annotations.queries import shared_annotations
from core.clock import UtcTime
from core.errors import AppError
from core.extensions import db
from documents.models import Document, DocumentStatus, Paragraph
from meetings.models import AgendaItem, Meeting, Role
from storage.pdf.labels import distinct_citations

# A sticky note this close to a paragraph's box is about that paragraph.
NOTE_SLACK_PT = 6.0
DIGEST_KINDS = (Kind.COMMENT, Kind.NOTE, Kind.HIGHLIGHT, Kind.INK)


class DigestFilters(BaseModel):
    """Query parameters every digest format accepts; times without an offset are UTC."""

    model_config = ConfigDict(extra="ignore")

    agenda_item: int | None = Field(default=None, ge=1, le=2**53)
    document: int | None = Field(default=None, ge=1, le=2**53)
    since: UtcTime | None = None
    until: UtcTime | None = None

    @model_validator(mode="after")
    def ordered(self):
        if self.since and self.until and self.since > self.until:
            raise ValueError("since: must not be later than until")
        return self

    def admits(self, created_at: datetime) -> bool:
        return (self.since is None or created_at >= self.since) and (
            self.until is None or created_at <= self.until
        )


@dataclass
class Entry:
    """A comment, reply or sticky note; `replies` nest the thread under it."""

    id: int
    kind: str
    author_id: int
    author: str
    created_at: datetime
    updated_at: datetime
    body: str
    hidden: bool
    reply_to: int | None
    page: int | None
    quote: str = ""
    # Carried from the version this one replaced: "unchanged", "edited" (its paragraph was
    # edited: the comment may have been answered by the edit) or "orphaned"; None otherwise.
    carried: str | None = None
    replies: list["Entry"] = field(default_factory=list)
    guest: bool = False  # written by a guest (khách mời) of the meeting: an answer, not an opinion
    office: str = ""  # the guest's chức vụ, đơn vị

    def count(self) -> int:
        return 1 + sum(reply.count() for reply in self.replies)


@dataclass
class ParagraphDigest:
    id: int
    number: int
    page: int
    text: str
    bbox: list[float]
    entries: list[Entry] = field(default_factory=list)
    comments: int = 0  # comments that open a thread; replies are counted apart
    highlights: int = 0  # marks: highlights and drawings, with or without text typed on them
    label: str | None = None
    citation: str | None = None
    change: str | None = None  # on a later version: "unchanged", "edited" or "added"
    notes: int = 0  # sticky notes with text
    replies: int = 0
    answers: int = 0  # guests' answers (giải trình), not delegates' opinions

    @property
    def name(self) -> str:
        """How delegates cite it, naming it alone in its document: its printed label ("Điều 2,
        khoản 1", "Đoạn 596"), else its opening words (storage.pdf.labels.distinct_citations)."""
        return self.citation or f"Đoạn {self.number}"


@dataclass
class DocumentDigest:
    id: int
    title: str
    version: int
    status: str
    page_count: int
    general: list[Entry] = field(default_factory=list)
    paragraphs: list[ParagraphDigest] = field(default_factory=list)
    # Carried from the previous version onto paragraphs since removed: kept, listed apart.
    orphaned: list[Entry] = field(default_factory=list)
    comments: int = 0
    replies: int = 0
    notes: int = 0
    highlights: int = 0
    hidden: int = 0
    participants: int = 0  # delegates who wrote or marked something; guests are not counted
    answers: int = 0  # guests' answers (giải trình) in delegates' threads


@dataclass
class ItemDigest:
    id: int
    position: int
    title: str
    documents: list[DocumentDigest] = field(default_factory=list)


@dataclass
class DelegateCount:
    user_id: int
    name: str
    comments: int = 0
    replies: int = 0
    notes: int = 0
    highlights: int = 0
    documents: int = 0


@dataclass
class Digest:
    meeting_id: int
    title: str
    starts_at: datetime
    location: str
    chair: str
    generated_at: datetime
    filters: DigestFilters
    items: list[ItemDigest]
    delegates: list[DelegateCount]
    secretary: str = ""  # who signs the report: the meeting's first secretary

    def documents(self) -> list[DocumentDigest]:
        return [document for item in self.items for document in item.documents]


@dataclass
class DigestSource:
    """Everything `build_digest` needs, loaded by `gather`."""

    meeting: Meeting
    items: list[AgendaItem]
    documents: list[Document]
    paragraphs: list[Paragraph]
    annotations: list[Annotation]
    # Ids of annotations carried to a newer version, even where that copy was deleted since:
    # they are reported on the newer version (or, deleted there, not at all).
    carried: set[int] = field(default_factory=set)
    # The meeting's guests (khách mời): their words are answers, labelled and counted apart.
    guests: set[int] = field(default_factory=set)


def check_scope(meeting: Meeting, filters: DigestFilters) -> None:
    """A filter naming another meeting's agenda item or document is a bad request, not a 404."""
    item_ids = {item.id for item in meeting.agenda_items}
    if filters.agenda_item is not None and filters.agenda_item not in item_ids:
        raise AppError("digest_filter_outside_meeting", 400, name="agenda_item")
    if filters.document is not None:
        document = db.session.get(Document, filters.document)
        allowed = {filters.agenda_item} if filters.agenda_item else item_ids
        if document is None or document.agenda_item_id not in allowed:
            raise AppError("digest_filter_outside_meeting", 400, name="document")


def gather(meeting: Meeting, filters: DigestFilters) -> DigestSource:
    """Load the meeting's documents, their paragraphs and the shared annotations in four queries."""
    check_scope(meeting, filters)
    items = [i for i in meeting.agenda_items if filters.agenda_item in (None, i.id)]
    query = select(Document).where(Document.agenda_item_id.in_([i.id for i in items]))
    if filters.document is not None:
        query = query.where(Document.id == filters.document)
    documents = list(db.session.scalars(query.order_by(Document.position, Document.version)))
    document_ids = [d.id for d in documents]
    annotations = [
        a
        for a in shared_annotations(document_ids, kinds=DIGEST_KINDS, include_hidden=True)
        if filters.admits(a.created_at)
    ]
    paragraphs = list(
        db.session.scalars(
            select(Paragraph)
            .where(Paragraph.document_id.in_({a.document_id for a in annotations}))
            .order_by(Paragraph.document_id, Paragraph.number)
        )
    )
    anchors = db.session.scalars(
        select(Annotation.anchor).where(
            Annotation.document_id.in_(document_ids), Annotation.anchor.is_not(None)
        )
    )
    carried = {anchor.get("previous_id") for anchor in anchors if anchor} - {None}
    return DigestSource(meeting, items, documents, paragraphs, annotations, carried, guest_ids(meeting))


def build_digest(source: DigestSource, filters: DigestFilters, now: datetime) -> Digest:
    """Group annotations under their paragraph (document-wide ones first), replies under parents."""
    meeting = source.meeting
    chairs = meeting.members_with_role(Role.CHAIR)
    secretaries = meeting.members_with_role(Role.SECRETARY)
    # An annotation carried to a new version is reported there, once, with what became of it.
    carried = source.carried | ({(a.anchor or {}).get("previous_id") for a in source.annotations} - {None})
    annotations = [a for a in source.annotations if a.id not in carried]
    by_document: dict[int, list[Annotation]] = defaultdict(list)
    for annotation in annotations:
        by_document[annotation.document_id].append(annotation)
    paragraphs: dict[int, list[Paragraph]] = defaultdict(list)
    for paragraph in source.paragraphs:
        paragraphs[paragraph.document_id].append(paragraph)
    documents_of: dict[int, list[DocumentDigest]] = defaultdict(list)
    for document in source.documents:
        said = by_document.get(document.id, [])
        if said or document.status == DocumentStatus.ACTIVE:
            documents_of[document.agenda_item_id].append(
                _document_digest(document, paragraphs.get(document.id, []), said, source.guests)
            )
    return Digest(
        meeting_id=meeting.id,
        title=meeting.title,
        starts_at=meeting.starts_at,
        location=meeting.location,
        chair=chairs[0].display_name if chairs else "",
        generated_at=now,
        filters=filters,
        items=[ItemDigest(i.id, i.position, i.title, documents_of.get(i.id, [])) for i in source.items],
        delegates=_delegate_counts([a for a in annotations if a.author_id not in source.guests]),
        secretary=secretaries[0].display_name if secretaries else "",
    )


def _entry(annotation: Annotation, guests: set[int]) -> Entry:
    guest = annotation.author_id in guests
    return Entry(
        id=annotation.id,
        kind=annotation.kind,
        author_id=annotation.author_id,
        author=annotation.author.display_name,
        created_at=annotation.created_at,
        updated_at=annotation.updated_at,
        body=annotation.body,
        hidden=annotation.is_hidden,
        reply_to=annotation.reply_to_id,
        page=annotation.page,
        quote=(annotation.target or {}).get("quote", "") or "",
        carried=(annotation.anchor or {}).get("status"),
        guest=guest,
        office=annotation.author.office if guest else "",
    )


class _PageIndex:
    """Paragraph boxes per page, to place highlights and notes, which carry only coordinates."""

    def __init__(self, paragraphs: list[Paragraph]):
        self.boxes: dict[int, list[tuple[tuple[float, float, float, float], Paragraph]]] = defaultdict(list)
        for paragraph in paragraphs:
            self.boxes[paragraph.page].append(
                ((paragraph.x0, paragraph.y0, paragraph.x1, paragraph.y1), paragraph)
            )
            for page, box in paragraph.parts or ():
                if page != paragraph.page:
                    self.boxes[page].append((tuple(box), paragraph))

    def at(self, page: int | None, x: float, y: float, slack: float = 0.0) -> Paragraph | None:
        """The paragraph whose box holds the point; with `slack`, the nearest box edge within it."""
        best, distance = None, slack
        for (x0, y0, x1, y1), paragraph in self.boxes.get(page, ()):
            away = max(x0 - x, x - x1, y0 - y, y - y1, 0.0)
            if away == 0.0:
                return paragraph
            if away <= distance:
                best, distance = paragraph, away
        return best

    def place(self, annotation: Annotation) -> Paragraph | None:
        target = annotation.target or {}
        if annotation.kind == Kind.HIGHLIGHT and target.get("quads"):
            x0, y0, x1, y1 = target["quads"][0]
            return self.at(annotation.page, (x0 + x1) / 2, (y0 + y1) / 2)
        if annotation.kind == Kind.NOTE and target.get("point"):
            return self.at(annotation.page, *target["point"], slack=NOTE_SLACK_PT)
        if annotation.kind == Kind.INK and target.get("paths"):
            xs = [x for path in target["paths"] for x, _ in path]
            ys = [y for path in target["paths"] for _, y in path]
            return self.at(annotation.page, (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2, NOTE_SLACK_PT)
        return None


def _threads(entries: list[Entry]) -> list[Entry]:
    """Nest replies under their parent; a reply whose parent is not shown starts its own thread."""
    by_id = {entry.id: entry for entry in entries}
    roots = []
    for entry in sorted(entries, key=lambda e: (e.created_at, e.id)):
        parent = by_id.get(entry.reply_to) if entry.reply_to else None
        (parent.replies if parent else roots).append(entry)
    return roots


def _document_digest(
    document: Document, paragraphs: list[Paragraph], annotations: list[Annotation], guests: set[int]
) -> DocumentDigest:
    digest = DocumentDigest(
        document.id, document.title, document.version, document.status, document.page_count
    )
    index = _PageIndex(paragraphs)
    by_id = {p.id: p for p in paragraphs}
    # Names that each cite one paragraph of the document ("Đoạn 1" once, not for two).
    names = dict(
        zip(by_id, distinct_citations([(p.label, p.path, p.text, p.page) for p in paragraphs]), strict=True)
    )
    spoken: dict[int | None, list[Entry]] = defaultdict(list)
    highlights: dict[int, int] = defaultdict(int)
    authors = set()
    for annotation in annotations:
        orphaned = (annotation.anchor or {}).get("status") == "orphaned"
        counted = _counted_as(annotation, annotation.author_id in guests)
        if counted is None:  # a bare sticky note says nothing and marks nothing
            continue
        if counted != "answers":
            authors.add(annotation.author_id)
        setattr(digest, counted, getattr(digest, counted) + 1)
        if annotation.kind in (Kind.HIGHLIGHT, Kind.INK, Kind.NOTE):
            paragraph = None if orphaned else index.place(annotation)
            paragraph_id = paragraph.id if paragraph else None
            if counted == "highlights":
                if paragraph is not None:
                    highlights[paragraph.id] += 1
                if not annotation.body.strip():  # a bare mark is counted, with nothing to list
                    continue
        else:
            paragraph_id = annotation.paragraph_id if annotation.paragraph_id in by_id else None
        digest.hidden += annotation.is_hidden
        if orphaned:
            digest.orphaned.append(_entry(annotation, guests))
        else:
            spoken[paragraph_id].append(_entry(annotation, guests))
    digest.participants = len(authors)
    digest.general = _threads(spoken.pop(None, []))
    digest.orphaned = _threads(digest.orphaned)
    for paragraph_id in sorted(set(spoken) | set(highlights), key=lambda pid: by_id[pid].number):
        paragraph = by_id[paragraph_id]
        entries = _threads(spoken.get(paragraph_id, []))
        tally = {"comments": 0, "replies": 0, "notes": 0, "answers": 0}
        for entry, _depth in iter_entries(entries):
            counted = _counted_as(entry, entry.guest)
            if counted in tally:  # the marks were counted where they were placed
                tally[counted] += 1
        digest.paragraphs.append(
            ParagraphDigest(
                id=paragraph.id,
                number=paragraph.number,
                page=paragraph.page,
                text=paragraph.text,
                bbox=paragraph.bbox,
                entries=entries,
                comments=tally["comments"],
                highlights=highlights.get(paragraph_id, 0),
                label=paragraph.label,
                citation=names[paragraph.id],
                change=paragraph.change,
                notes=tally["notes"],
                replies=tally["replies"],
                answers=tally["answers"],
            )
        )
    return digest


def _counted_as(annotation: Annotation | Entry, guest: bool = False) -> str | None:
    """The one count an annotation adds to, the same in every table: a comment opens a thread
    ("comments") or answers one ("replies"); highlights and drawings are marks ("highlights"),
    text typed on them or not; a sticky note with text is a note; a bare sticky note is nothing.
    A guest's words are "answers", never a delegate's count; a guest's bare mark is nothing."""
    if guest:
        return "answers" if annotation.body.strip() else None
    if annotation.kind == Kind.COMMENT:
        reply = annotation.reply_to_id if isinstance(annotation, Annotation) else annotation.reply_to
        return "replies" if reply else "comments"
    if annotation.kind in (Kind.HIGHLIGHT, Kind.INK):
        return "highlights"
    return "notes" if annotation.body.strip() else None


def _delegate_counts(annotations: list[Annotation]) -> list[DelegateCount]:
    """Each delegate's counts over every document of the digest, counted as the documents count them
    (guests' answers are left out by the caller)."""
    counts: dict[int, DelegateCount] = {}
    documents: dict[int, set[int]] = defaultdict(set)
    for annotation in annotations:
        counted = _counted_as(annotation)
        if counted is None:
            continue
        count = counts.get(annotation.author_id)
        if count is None:
            count = counts[annotation.author_id] = DelegateCount(
                annotation.author_id, annotation.author.display_name
            )
        documents[annotation.author_id].add(annotation.document_id)
        setattr(count, counted, getattr(count, counted) + 1)
    for user_id, count in counts.items():
        count.documents = len(documents[user_id])
    return sorted(counts.values(), key=lambda c: (-(c.comments + c.replies + c.notes), c.name))


def iter_entries(entries: list[Entry], depth: int = 0):
    """Depth-first over threads, as (entry, depth): the order every linear format prints them in."""
    for entry in entries:
        yield entry, depth
        yield from iter_entries(entry.replies, depth + 1)
