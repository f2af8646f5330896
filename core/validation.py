"""Turn a payload into a validated schema object, or an AppError naming what is wrong."""

from typing import TypeVar

from pydantic import BaseModel, ValidationError

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
