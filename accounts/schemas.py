"""Payloads accepted by the accounts adapters."""

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.validation import PlainText

USERNAME_PATTERN = r"^[A-Za-z0-9_.\-@]{2,64}$"


class NewUser(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    username: str = Field(pattern=USERNAME_PATTERN)
    password: str = Field(min_length=6, max_length=200)
    full_name: PlainText = Field(default="", max_length=200)
    position: PlainText = Field(default="", max_length=200)
    unit: PlainText = Field(default="", max_length=200)
    is_admin: bool = False

    @field_validator("username")
    @classmethod
    def lowercase(cls, value: str) -> str:
        return value.lower()


class Credentials(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=200)
