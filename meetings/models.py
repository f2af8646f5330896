"""A meeting (kỳ họp), its ordered agenda, and per-meeting roles."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.clock import utcnow
from core.extensions import db
from councils.models import Council


class Role(StrEnum):
    SECRETARY = "secretary"
    CHAIR = "chair"
    DELEGATE = "delegate"
    # Khách mời: a People's Committee official or department head invited to read the papers and
    # answer delegates' questions; never counted in attendance, never votes, needs no council seat.
    GUEST = "guest"


class MeetingStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Meeting(db.Model):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime]
    location: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(16), default=MeetingStatus.DRAFT)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The council whose meeting this is: its name and place head the meeting's papers.
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    # Removed items keep their withdrawn documents and annotations, but leave the agenda.
    agenda_items: Mapped[list["AgendaItem"]] = relationship(
        primaryjoin="and_(Meeting.id == foreign(AgendaItem.meeting_id), AgendaItem.removed_at.is_(None))",
        order_by="AgendaItem.position",
        overlaps="meeting",
    )
    council: Mapped["Council | None"] = relationship()
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )

    @property
    def is_published(self) -> bool:
        return self.status == MeetingStatus.PUBLISHED

    def members_with_role(self, role: Role) -> list[User]:
        return [m.user for m in self.memberships if m.role == role]


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))

    meeting: Mapped[Meeting] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()


class AgendaItem(db.Model):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(500))
    removed_at: Mapped[datetime | None]

    meeting: Mapped[Meeting] = relationship(overlaps="agenda_items")
