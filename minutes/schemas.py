"""Payloads the minutes' adapters accept."""

from pydantic import BaseModel, ConfigDict, Field

from core.validation import PlainText


class MinutesEdit(BaseModel):
    """One paragraph the secretary writes; `reason` is required once the minutes are final."""

    model_config = ConfigDict(str_strip_whitespace=True)

    text: PlainText = Field(default="", max_length=20_000)
    reason: PlainText = Field(default="", max_length=500)


class MinutesFinal(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    reason: PlainText = Field(default="", max_length=500)
