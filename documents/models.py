"""A document as ingested once on upload: its pages, text layer and paragraphs in reading order."""

import json
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from core.clock import utcnow
from core.extensions import db
from meetings.models import AgendaItem
from storage.pdf.labels import citation


class DocumentStatus(StrEnum):
    ACTIVE = "active"
    REPLACED = "replaced"
    WITHDRAWN = "withdrawn"


class Document(db.Model):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(500))
    original_filename: Mapped[str] = mapped_column(String(300), default="")
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int]
    page_count: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default=DocumentStatus.ACTIVE)
    version: Mapped[int] = mapped_column(default=1)
    # The earlier version this one replaced; its annotations stay with it.
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    agenda_item: Mapped[AgendaItem] = relationship(backref=backref("documents", order_by="Document.position"))
    pages: Mapped[list["DocumentPage"]] = relationship(
        order_by="DocumentPage.number", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:
        return self.status == DocumentStatus.ACTIVE

    @property
    def meeting(self):
        return self.agenda_item.meeting

    def to_summary(self) -> dict:
        """Kept for callers of the method; the shape is documents.presenters'."""
        from documents.presenters import document_summary

        return document_summary(self)


class DocumentPage(db.Model):
    __tablename__ = "document_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    number: Mapped[int]
    width: Mapped[float]
    height: Mapped[float]
    rotation: Mapped[int] = mapped_column(default=0)
    is_scanned: Mapped[bool] = mapped_column(default=False)
    # Words as [[x0, y0, x1, y1, text], ...] in displayed-page points: the reader's text layer.
    # Deferred: ~20 KB a page, needed only when a page view is made, never to list a document's pages.
    words_json: Mapped[str] = mapped_column(Text, default="[]", deferred=True)

    def to_dict(self) -> dict:
        """Kept for callers of the method; the shape is documents.presenters'."""
        from documents.presenters import page_json

        return page_json(self)

    @property
    def words(self) -> list:
        return json.loads(self.words_json)


class Paragraph(db.Model):
    __tablename__ = "paragraphs"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    number: Mapped[int]
    page: Mapped[int]
    x0: Mapped[float]
    y0: Mapped[float]
    x1: Mapped[float]
    y1: Mapped[float]
    kind: Mapped[str] = mapped_column(String(16), default="body")
    text: Mapped[str] = mapped_column(Text)
    # [[page, [x0, y0, x1, y1]], ...] when the paragraph runs over a page break.
    parts: Mapped[list] = mapped_column(JSON, default=list)
    # The number printed on it ("596", "a") and its place in a legal draft
    # ({"dieu": "2", "khoan": "1"}); see storage.pdf.labels.
    label: Mapped[str | None] = mapped_column(String(16))
    path: Mapped[dict | None] = mapped_column(JSON)
    # On a later version: the earlier version's paragraphs it comes from (two when merged) and
    # "unchanged", "edited" or "added"; None on a first version. See annotations.versions.
    previous_ids: Mapped[list | None] = mapped_column(JSON)
    change: Mapped[str | None] = mapped_column(String(16))

    @property
    def citation(self) -> str | None:
        return citation(self.label, self.path, self.text)

    @property
    def bbox(self) -> list[float]:
        return [round(v, 2) for v in (self.x0, self.y0, self.x1, self.y1)]

    def to_layout(self) -> dict:
        """Kept for callers of the method; the shape is documents.presenters'."""
        from documents.presenters import paragraph_layout

        return paragraph_layout(self)

    @property
    def pages(self) -> set[int]:
        """The pages it is on: more than one when it runs over a page break."""
        return {self.page, *(page for page, _ in self.parts)}

    def to_dict(self) -> dict:
        """Kept for callers of the method; the shape is documents.presenters'."""
        from documents.presenters import paragraph_json

        return paragraph_json(self)


class StoredFile(db.Model):
    """An uploaded file, by content: every node reads it from the database (storage.database_blobs)."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StoredFileChunk(db.Model):
    """One MiB of a stored file, so a large file is written and read a piece at a time."""

    __tablename__ = "blob_chunks"

    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)
