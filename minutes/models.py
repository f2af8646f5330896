"""What people add to the minutes, kept apart from the generated record, and the locked versions.

The generated parts (times, counts, votes) are never stored as text: they are drafted from the
record each time, so a late correction (an attendance fixed after the sitting) shows up at
once. What only a person writes (a speech's summary, the chair's conclusion on an item) is a
`MinutesText` under the record's stable key. When the chair finalises, the whole record, the
people's text included, is frozen as a `MinutesVersion`; a later change is a new version with
its reason.
"""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.extensions import db


class MinutesText(db.Model):
    """A paragraph the secretary wrote: `key` is a speech's or an agenda item's key in the record."""

    __tablename__ = "minutes_texts"
    __table_args__ = (UniqueConstraint("meeting_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class MinutesDraft(db.Model):
    """Per meeting: the generated lines as the secretary last saw them (to say what changed since),
    and the document the draft was last published as for the delegates' review."""

    __tablename__ = "minutes_drafts"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    seen_lines: Mapped[list] = mapped_column(JSON, default=list)
    seen_at: Mapped[datetime | None]
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))


class MinutesVersion(db.Model):
    """The minutes as the chair finalised them: the record frozen, text locked."""

    __tablename__ = "minutes_versions"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    record: Mapped[dict] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")
    finalised_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    finalised_at: Mapped[datetime] = mapped_column(default=utcnow)
