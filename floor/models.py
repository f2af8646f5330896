"""Speaker lists, questions with their answers and commitments, and what the hall is shown."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.clock import utcnow
from core.extensions import db
from meetings.models import AgendaItem, Meeting


class SpeakerKind(StrEnum):
    SPEECH = "speech"
    QUESTION = "question"
    # Kiến nghị về thủ tục: goes to the head of the queue.
    POINT_OF_ORDER = "point_of_order"


class SpeakerState(StrEnum):
    WAITING = "waiting"
    SPEAKING = "speaking"
    DONE = "done"
    WITHDRAWN = "withdrawn"


class Phase(StrEnum):
    """A question runs in turns: the delegate asks, the addressee answers, the delegate follows up once."""

    SPEECH = "speech"
    QUESTION = "question"
    ANSWER = "answer"
    FOLLOW_UP = "follow_up"


class Speaker(db.Model):
    """One request for the floor on an agenda item, from registration to its recorded end."""

    __tablename__ = "floor_speakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default=SpeakerKind.SPEECH)
    topic: Mapped[str] = mapped_column(String(300), default="")
    # A question: whom it asks (a guest of the meeting) and, optionally, the paragraph it is about.
    addressee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    paragraph_id: Mapped[int | None] = mapped_column(ForeignKey("paragraphs.id"))
    position: Mapped[int] = mapped_column(default=0)
    state: Mapped[str] = mapped_column(String(16), default=SpeakerState.WAITING)
    phase: Mapped[str | None] = mapped_column(String(16))
    phase_started_at: Mapped[datetime | None]
    allowed_s: Mapped[int | None]
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    duration_s: Mapped[int | None]
    # What the secretary noted of the answer (a question).
    answer_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting: Mapped[Meeting] = relationship()
    agenda_item: Mapped[AgendaItem] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    addressee: Mapped[User | None] = relationship(foreign_keys=[addressee_id])
    commitments: Mapped[list["Commitment"]] = relationship(
        back_populates="question", order_by="Commitment.id", cascade="all, delete-orphan"
    )


class Commitment(db.Model):
    """A promise (cam kết) made in an answer: open on the council's page until it is reported on."""

    __tablename__ = "floor_commitments"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("floor_speakers.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"), index=True)
    # Who promised: the addressee of the question.
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None]
    report: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    question: Mapped[Speaker] = relationship(back_populates="commitments")
    meeting: Mapped[Meeting] = relationship()
    made_by: Mapped[User | None] = relationship(foreign_keys=[made_by_id])

    @property
    def is_open(self) -> bool:
        return self.done_at is None


class FloorState(db.Model):
    """What the hall sees now, one row per meeting: the current agenda item and a projected page."""

    __tablename__ = "floor_states"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    current_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"))
    projected_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    projected_page: Mapped[int | None]
    # Grows with every change: a screen that reconnects compares it with the last delta it saw.
    seq: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    current_item: Mapped[AgendaItem | None] = relationship()
