"""Payloads accepted by the accounts adapters."""

from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, StringConstraints, field_validator
from pydantic_core import PydanticCustomError

from accounts.passwords import weakness
from core.validation import PlainText

USERNAME_PATTERN = r"^[A-Za-z0-9_.\-@]{2,64}$"

# Names and units are trimmed; passwords never are (a space is part of a password).
Trimmed = Annotated[PlainText, StringConstraints(strip_whitespace=True)]


def _strong_enough(password: str) -> str:
    reason = weakness(password)
    if reason is not None:
        raise PydanticCustomError("password_weak", reason)
    return password


# A new password: 8 characters at least, not one of the commonest (accounts/passwords.py).
Password = Annotated[str, Field(max_length=200), AfterValidator(_strong_enough)]


class NewUser(BaseModel):
    username: Annotated[str, StringConstraints(strip_whitespace=True, pattern=USERNAME_PATTERN)]
    password: Password
    full_name: Trimmed = Field(default="", max_length=200)
    position: Trimmed = Field(default="", max_length=200)
    unit: Trimmed = Field(default="", max_length=200)
    is_admin: bool = False
    # Accounts an admin creates one by one may convene unless told otherwise; the roster import
    # passes False (docs/security.md, "Who may convene").
    can_convene: bool = True

    @field_validator("username")
    @classmethod
    def lowercase(cls, value: str) -> str:
        return value.lower()


class Credentials(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=200)


class PasswordChange(BaseModel):
    old_password: str = Field(max_length=200)
    new_password: Password


class AccountChanges(BaseModel):
    is_active: bool | None = None
    can_convene: bool | None = None
