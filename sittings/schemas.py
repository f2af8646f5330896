"""Payloads accepted by the sitting adapters, shared by HTTP and Socket.IO."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from core.validation import PlainText

Id = Field(ge=1, le=2**31 - 1)
Choice = Literal["for", "against", "abstain"]
Count = Field(default=None, ge=0, le=100_000)


class _Strict(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)


class CheckIn(_Strict):
    code: str = Field(min_length=1, max_length=16)


class AttendanceMark(_Strict):
    status: Literal["present", "absent", "late"]
    reason: PlainText = Field(default="", max_length=300)


class NewPoll(_Strict):
    title: PlainText = Field(min_length=1, max_length=500)
    agenda_item_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    document_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    rule: Literal["majority_of_total", "two_thirds_of_total"] = "majority_of_total"
    kind: Literal["electronic", "manual"] = "electronic"


class NewBallot(_Strict):
    ballot_id: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    choice: Choice


class SocketBallot(_Strict):
    """`ballot:cast` from the device outbox: its op_id is the ballot's id."""

    op_id: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    poll_id: int = Id
    choice: Choice


class HandsBallot(_Strict):
    """A show of hands the secretary records for a delegate whose device failed."""

    user_id: int = Id
    ballot_id: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    choice: Choice


class BoardResult(_Strict):
    """A secret ballot's vote-counting board totals (ban kiểm phiếu)."""

    for_: int = Field(alias="for", ge=0, le=100_000)
    against: int = Field(ge=0, le=100_000)
    abstain: int = Field(ge=0, le=100_000)
    issued: int | None = Count
    returned: int | None = Count
    valid: int | None = Count
    invalid: int | None = Count
