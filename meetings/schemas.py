"""Payloads accepted by the meeting adapters."""

from pydantic import BaseModel, ConfigDict, Field

from core.clock import UtcTime
from core.validation import PlainText
from meetings.models import Role


class _Strict(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)


class NewMeeting(_Strict):
    title: PlainText = Field(min_length=1, max_length=300)
    starts_at: UtcTime
    location: PlainText = Field(default="", max_length=300)
    # Unset: a meeting of no council (no roster to invite, no digest report to print).
    council_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class MeetingChanges(_Strict):
    title: PlainText | None = Field(default=None, min_length=1, max_length=300)
    starts_at: UtcTime | None = None
    location: PlainText | None = Field(default=None, max_length=300)
    # Only for a meeting of no council yet: the council it belongs to (one the caller runs).
    council_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class NewMember(_Strict):
    username: str = Field(min_length=1, max_length=64)
    role: Role


class NewAgendaItem(_Strict):
    title: PlainText = Field(min_length=1, max_length=500)


class AgendaOrder(BaseModel):
    item_ids: list[int] = Field(max_length=500)


class MeetingRef(BaseModel):
    meeting_id: int = Field(ge=1, le=2**31 - 1)
