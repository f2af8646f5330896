"""Turn a payload into a validated schema object, or an AppError naming what is wrong."""

from typing import Annotated, TypeVar

from pydantic import AfterValidator, BaseModel, ValidationError

from core.errors import AppError

Schema = TypeVar("Schema", bound=BaseModel)


def parse(schema: type[Schema], payload) -> Schema:
    if not isinstance(payload, dict):
        raise AppError("invalid_json")
    try:
        return schema.model_validate(payload)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "payload"
        raise AppError("validation_error", detail=f"{field}: {first['msg']}") from None


_CONTROL_CHARACTERS = dict.fromkeys(c for c in range(32) if chr(c) not in "\n\t")
_CONTROL_CHARACTERS.update(dict.fromkeys(range(0x7F, 0xA0)))


def clean_text(value: str) -> str:
    """Drop control characters: they break XML exports (DOCX) and mean nothing to a reader."""
    return value.translate(_CONTROL_CHARACTERS)


# A user-written string, without control characters.
PlainText = Annotated[str, AfterValidator(clean_text)]
