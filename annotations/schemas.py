"""Payloads of the annotation events and routes; target shapes follow CONTRACT.md, in PDF points.

The shape of `target` depends on `kind`, so `NewAnnotation` checks it against `TARGETS[kind]`.
Whether coordinates lie inside the page needs the document, so the service checks that.
"""

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from annotations.models import Kind, Visibility
from core.errors import AppError
from core.validation import PlainText

MAX_BODY = 5000
MAX_QUOTE = 5000
MAX_QUADS = 500
MAX_PATHS = 200
MAX_POINTS = 5000
# Colour names clients send; the hex values are what the UI and the PDF export draw with.
HIGHLIGHT_COLORS = {"yellow": "#ffd54f", "green": "#81c784", "blue": "#64b5f6", "pink": "#f48fb1"}
INK_COLORS = {"red": "#c62828", "blue": "#1565c0", "black": "#212121", "green": "#2e7d32"}
DEFAULT_VISIBILITY = {
    Kind.COMMENT: Visibility.SHARED,
    Kind.HIGHLIGHT: Visibility.SHARED,
    Kind.INK: Visibility.PRIVATE,
    Kind.NOTE: Visibility.PRIVATE,
}

Coordinate = Annotated[float, Field(allow_inf_nan=False)]
PageNumber = Annotated[int, Field(ge=1, le=100_000)]
OpId = Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]
Id = Annotated[int, Field(ge=1, le=2**53)]


class CommentTarget(BaseModel):
    paragraph_id: Id | None = None
    quote: PlainText = Field(default="", max_length=MAX_QUOTE)


class HighlightTarget(BaseModel):
    page: PageNumber
    quads: list[tuple[Coordinate, Coordinate, Coordinate, Coordinate]] = Field(
        min_length=1, max_length=MAX_QUADS
    )
    quote: PlainText = Field(default="", max_length=MAX_QUOTE)
    color: Literal[tuple(HIGHLIGHT_COLORS)] = "yellow"

    @field_validator("quads")
    @classmethod
    def ordered_corners(cls, quads):
        for x0, y0, x1, y1 in quads:
            if x0 > x1 or y0 > y1:
                raise ValueError("quad must be [x0, y0, x1, y1] with x0 ≤ x1 and y0 ≤ y1")
        return quads


class InkTarget(BaseModel):
    """Strokes as point lists; `pressures`, when the pen reports them, run parallel to `paths`."""

    page: PageNumber
    paths: list[list[tuple[Coordinate, Coordinate]]] = Field(min_length=1, max_length=MAX_PATHS)
    pressures: list[list[Annotated[float, Field(ge=0, le=1)]]] | None = None
    color: Literal[tuple(INK_COLORS)] = "red"
    width: float = Field(default=2.0, ge=0.25, le=24)

    @model_validator(mode="after")
    def bounded_and_parallel(self):
        if any(not path for path in self.paths):
            raise ValueError("every path needs at least one point")
        if sum(len(path) for path in self.paths) > MAX_POINTS:
            raise ValueError(f"at most {MAX_POINTS} points in all")
        if self.pressures is not None and [len(p) for p in self.pressures] != [len(p) for p in self.paths]:
            raise ValueError("pressures must match paths point for point")
        return self


class NoteTarget(BaseModel):
    page: PageNumber
    point: tuple[Coordinate, Coordinate]


TARGETS: dict[Kind, type[BaseModel]] = {
    Kind.COMMENT: CommentTarget,
    Kind.HIGHLIGHT: HighlightTarget,
    Kind.INK: InkTarget,
    Kind.NOTE: NoteTarget,
}


def _check_target(kind: Kind, target) -> dict:
    """Validate `target` for `kind`, naming the offending field the way pydantic would."""
    try:
        # A comment keeps `paragraph_id: null` (the whole document); elsewhere None means "not given".
        return TARGETS[kind].model_validate(target).model_dump(exclude_none=kind != Kind.COMMENT)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ValueError(f"{where}: {first['msg']}" if where else first["msg"]) from None


class DocumentRef(BaseModel):
    document_id: Id


class PresenceUpdate(BaseModel):
    document_id: Id
    page: PageNumber


class NewAnnotation(BaseModel):
    op_id: OpId
    document_id: Id
    kind: Kind
    target: dict
    body: PlainText = Field(default="", max_length=MAX_BODY)
    visibility: Visibility | None = None
    reply_to: Id | None = None

    @field_validator("target")
    @classmethod
    def target_fits_kind(cls, target, info: ValidationInfo):
        kind = info.data.get("kind")
        return _check_target(kind, target) if kind is not None else target

    @model_validator(mode="after")
    def defaults_and_replies(self):
        if self.visibility is None:
            self.visibility = DEFAULT_VISIBILITY[self.kind]
        if self.reply_to is not None and self.kind != Kind.COMMENT:
            raise ValueError("reply_to: only comments can reply")
        if self.kind == Kind.COMMENT and not self.body.strip():
            raise ValueError("body: a comment needs text")
        return self


class AnnotationChanges(BaseModel):
    """An edit: the new body, target (same kind) or visibility; absent fields stay as they are."""

    op_id: OpId
    id: Id
    document_id: Id | None = None
    body: PlainText | None = Field(default=None, max_length=MAX_BODY)
    target: dict | None = None
    visibility: Visibility | None = None


class AnnotationRef(BaseModel):
    op_id: OpId
    id: Id
    document_id: Id | None = None


class Moderation(BaseModel):
    op_id: OpId
    id: Id
    document_id: Id | None = None
    hidden: bool = True


class Since(BaseModel):
    since: int = Field(default=0, ge=0, le=2**53)


def check_target(kind: str, target: dict) -> dict:
    """For edits, where the kind comes from the stored annotation rather than the payload."""
    try:
        return _check_target(Kind(kind), target)
    except ValueError as error:
        raise AppError("validation_error", detail=f"target.{error}") from None
