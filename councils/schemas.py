"""Payloads accepted by the council adapters."""

from pydantic import BaseModel, ConfigDict, Field

from core.validation import PlainText
from councils.models import CouncilLevel


class NewCouncil(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    name: PlainText = Field(min_length=3, max_length=300)
    place: PlainText = Field(min_length=1, max_length=200)
    # Unset: read from the name ("tỉnh", "thành phố" are provinces; the rest are communes).
    level: CouncilLevel | None = None


class NewOfficer(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    username: str = Field(min_length=1, max_length=64)


class NewRosterMember(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    username: str = Field(min_length=1, max_length=64)
