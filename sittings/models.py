"""Sittings, attendance, polls and ballots, and the council rules they are counted by."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.clock import utcnow
from core.extensions import db


class CouncilRule(db.Model):
    """One council's setting for a rule of the sitting, with the article it comes from."""

    __tablename__ = "council_rules"
    __table_args__ = (UniqueConstraint("council_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(String(64))
    article: Mapped[str] = mapped_column(String(300), default="")


class Sitting(db.Model):
    """A phiên họp: one of the days or half-days of a session (kỳ họp)."""

    __tablename__ = "sittings"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Attendance(db.Model):
    """A delegate's mark in one sitting: present (by the hall code or the secretary), late, absent."""

    __tablename__ = "sitting_attendance"
    __table_args__ = (UniqueConstraint("sitting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("sittings.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    # For an absence: "co_ly_do" (có lý do) or "khong_ly_do" (không có lý do), or free text.
    reason: Mapped[str] = mapped_column(String(300), default="")
    # "checkin": the delegate's own device with the hall code; "secretary": marked by hand.
    source: Mapped[str] = mapped_column(String(16))
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class Poll(db.Model):
    """A vote on one draft resolution (electronic) or a secret ballot's board totals (manual)."""

    __tablename__ = "polls"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    sitting_id: Mapped[int | None] = mapped_column(ForeignKey("sittings.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    title: Mapped[str] = mapped_column(String(500))
    rule: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="draft")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # Frozen at close: the total, the counts, the named list and the digest of the ballots.
    total: Mapped[int | None]
    present: Mapped[int | None]
    counts: Mapped[dict | None] = mapped_column(JSON)
    roll: Mapped[list | None] = mapped_column(JSON)
    board: Mapped[dict | None] = mapped_column(JSON)  # a manual poll's issued/returned/valid/invalid
    passed: Mapped[bool | None]
    result_text: Mapped[str | None] = mapped_column(String(300))
    digest: Mapped[str | None] = mapped_column(String(64))


class Ballot(db.Model):
    """One delegate's choice in one poll; its client id makes a resend the same ballot."""

    __tablename__ = "ballots"
    __table_args__ = (UniqueConstraint("poll_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    ballot_id: Mapped[str] = mapped_column(String(64))
    choice: Mapped[str] = mapped_column(String(16))
    receipt: Mapped[str] = mapped_column(String(8))
    cast_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A show of hands the secretary recorded for a delegate whose device failed.
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
