"""Annotations on a document, ordered by a per-document sequence so reconnecting clients catch up.

Every change (create, update, delete, hide) takes the document's next `seq`; a client that
missed events asks for everything with a larger seq. Deletes are tombstones for that reason.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.clock import utcnow
from core.extensions import db


class Kind(StrEnum):
    HIGHLIGHT = "highlight"
    INK = "ink"
    NOTE = "note"
    COMMENT = "comment"


class Visibility(StrEnum):
    SHARED = "shared"
    PRIVATE = "private"


class DocumentSequence(db.Model):
    """The last seq handed out per document; incremented inside the writing transaction."""

    __tablename__ = "document_sequences"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    last_seq: Mapped[int] = mapped_column(default=0)


class Annotation(db.Model):
    __tablename__ = "annotations"
    __table_args__ = (Index("ix_annotations_document_seq", "document_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    visibility: Mapped[str] = mapped_column(String(16))
    # Shape depends on kind, as in CONTRACT.md: comment {paragraph_id, quote}; highlight
    # {page, quads, quote, color?}; ink {page, paths, color?, width?}; note {page, point}.
    target: Mapped[dict] = mapped_column(JSON)
    body: Mapped[str] = mapped_column(Text, default="")
    # Denormalised from target so the digest groups comments by paragraph with an index.
    paragraph_id: Mapped[int | None] = mapped_column(ForeignKey("paragraphs.id"), index=True)
    page: Mapped[int | None]
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("annotations.id"), index=True)
    seq: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]
    # Chair's moderation: hidden from others, with a visible trace that it was hidden.
    hidden_at: Mapped[datetime | None]
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Carried from an earlier version of the document: {"status": "unchanged" | "edited" |
    # "orphaned", "previous_id": its id there, "similarity": of its paragraph's old and new text}.
    anchor: Mapped[dict | None] = mapped_column(JSON)

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    hidden_by: Mapped[User | None] = relationship(foreign_keys=[hidden_by_id])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class ProcessedOperation(db.Model):
    """The ack of every operation a client sent, so a resent `op_id` gets the same ack and no duplicate."""

    __tablename__ = "processed_operations"
    __table_args__ = (UniqueConstraint("user_id", "op_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    op_id: Mapped[str] = mapped_column(String(64))
    ack: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
