"""Payloads accepted by the floor's adapters."""

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from core.validation import PlainText
from floor.models import SpeakerKind


class _Strict(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")


class NewSpeaker(_Strict):
    kind: SpeakerKind = SpeakerKind.SPEECH
    topic: PlainText = Field(default="", max_length=300)
    # A question's addressee: the username of a guest (khách mời) of the meeting.
    addressee: str | None = Field(default=None, min_length=1, max_length=64)
    paragraph_id: int | None = Field(default=None, ge=1, le=2**31 - 1)

    @model_validator(mode="after")
    def _question_has_addressee(self):
        if self.kind == SpeakerKind.QUESTION and not self.addressee:
            raise ValueError("a question needs its addressee")
        if self.kind != SpeakerKind.QUESTION and (self.addressee or self.paragraph_id):
            raise ValueError("only a question has an addressee or a paragraph")
        return self


class SpeakerOrder(_Strict):
    speaker_ids: list[int] = Field(max_length=1000)


class CurrentItem(_Strict):
    """Either the item itself, or a step through the agenda."""

    agenda_item_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    direction: Literal["next", "previous"] | None = None

    @model_validator(mode="after")
    def _one_of(self):
        if (self.agenda_item_id is None) == (self.direction is None):
            raise ValueError("give agenda_item_id or direction")
        return self


class Projection(_Strict):
    """A document page for the hall screen; no document takes it down."""

    document_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    page: int = Field(default=1, ge=1, le=100_000)


class AnswerNote(_Strict):
    note: PlainText = Field(max_length=5000)


class NewCommitment(_Strict):
    text: PlainText = Field(min_length=1, max_length=2000)
    due_on: date | None = None


class CommitmentReport(_Strict):
    report: PlainText = Field(default="", max_length=5000)
