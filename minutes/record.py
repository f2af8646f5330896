"""What the minutes say, as plain data: the one input of every renderer.

The renderers (minutes/pdf.py, minutes/docx.py) read only these dataclasses, never the
database, so a test or a benchmark builds a whole session by hand, and the code that fills a
record (minutes/assemble.py) is the only place that knows where each fact is stored.
"""

from dataclasses import asdict, dataclass, field, fields, is_dataclass
from datetime import date, datetime
from functools import cache
from types import UnionType
from typing import Union, get_args, get_origin, get_type_hints

from pydantic import BaseModel

from annotations.digest import Digest

# How a delegate voted, as the named list prints it.
CHOICES = {"for": "Tán thành", "against": "Không tán thành", "abstain": "Không biểu quyết"}
# Who cast no ballot, under the same headings as the vote's count line: present but pressed no
# button, or absent from the sitting (sittings/polls.py freezes the two apart at close).
NO_BALLOT = {"not_voted": "Có mặt nhưng không bấm", "absent": "Vắng mặt"}


@dataclass
class Person:
    name: str
    office: str = ""  # chức vụ, đơn vị: guests are listed with it


@dataclass
class Absence:
    name: str
    reason: str = ""  # empty: absent without a reason (vắng mặt không có lý do)


@dataclass
class SittingRecord:
    """One sitting (phiên họp): its times and who was there."""

    title: str  # "Phiên thứ nhất (sáng 03/12/2026)"
    opened_at: datetime
    closed_at: datetime | None
    present: int
    total: int  # the council's roster
    absent: list[Absence] = field(default_factory=list)
    late: list[Person] = field(default_factory=list)
    # Nobody checked them in or marked them: "not yet marked" while the sitting is open (saying
    # "absent without a reason" before it is true would be a false statement about a person),
    # absent without a reason once it closed (minutes/wording.py decides, by `closed_at`).
    unmarked: list[Person] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


@dataclass
class DocumentRecord:
    title: str
    version: int = 1
    comments: int = 0  # comments and replies delegates wrote on it
    commenters: int = 0  # how many delegates wrote them


@dataclass
class SpeechRecord:
    speaker: str
    started_at: datetime
    ended_at: datetime
    kind: str = "speech"  # "speech" | "point_of_order"
    topic: str = ""
    key: str = ""  # stable id: the secretary's summary of this speech is stored under it

    @property
    def seconds(self) -> int:
        return max(0, round((self.ended_at - self.started_at).total_seconds()))


@dataclass
class Commitment:
    text: str
    due: date | None = None


@dataclass
class QuestionRecord:
    asker: str
    addressee: str  # "Ông Lê Văn C, Chủ tịch UBND xã"
    question: str
    answer: str = ""  # the note of the answer given in the hall
    commitments: list[Commitment] = field(default_factory=list)
    asked_at: datetime | None = None


@dataclass
class Ballot:
    name: str
    # "for" | "against" | "abstain" | "not_voted" (present, pressed nothing) | "absent";
    # "" in versions frozen before the two were told apart: either of them.
    choice: str


@dataclass
class PollRecord:
    """A vote, as frozen when it closed; `result_text` is its official wording."""

    title: str
    result_text: str
    total: int
    counts: dict[str, int]  # for, against, abstain, not_voted, absent
    closed_at: datetime | None = None
    secret: bool = False  # a secret ballot has no named list
    named: list[Ballot] = field(default_factory=list)
    digest: str = ""  # hash of the named list as frozen at close


@dataclass
class ItemRecord:
    title: str
    key: str = ""  # stable id: the chair's conclusion on this item is stored under it
    documents: list[DocumentRecord] = field(default_factory=list)
    speeches: list[SpeechRecord] = field(default_factory=list)
    questions: list[QuestionRecord] = field(default_factory=list)
    polls: list[PollRecord] = field(default_factory=list)


@dataclass
class MinutesRecord:
    meeting_id: int
    council: str  # "Hội đồng nhân dân xã Thần Sa"
    place: str  # the council's place, as its papers name it
    title: str  # the session: "Kỳ họp thứ Mười hai, Hội đồng nhân dân xã Thần Sa khóa XXII"
    location: str  # the hall
    starts_at: datetime  # as convened; the sittings' times win where there are sittings
    chair: str
    secretary: str
    generated_at: datetime
    roster_total: int = 0
    sittings: list[SittingRecord] = field(default_factory=list)
    guests: list[Person] = field(default_factory=list)
    items: list[ItemRecord] = field(default_factory=list)
    # Written by people, kept apart from the record: speech key or item key → text.
    summaries: dict[str, str] = field(default_factory=dict)
    conclusions: dict[str, str] = field(default_factory=dict)
    # The chair's digest of written comments, the appendix; frozen with a finalised version.
    digest: Digest | None = None

    @property
    def opened_at(self) -> datetime:
        return self.sittings[0].opened_at if self.sittings else self.starts_at

    @property
    def closed_at(self) -> datetime | None:
        if not self.sittings:
            return None
        return self.sittings[-1].closed_at

    @property
    def attendance_final(self) -> bool:
        """Whether every sitting has closed: until then its attendance may still change."""
        return all(not sitting.is_open for sitting in self.sittings)

    def polls(self) -> list[PollRecord]:
        return [poll for item in self.items for poll in item.polls]


def record_to_json(record: MinutesRecord) -> dict:
    """The record as JSON (times as ISO text), to freeze a finalised version, the chair's digest
    (the appendix) with it: a comment written after finalising is no part of that version."""
    return _encode(asdict(record))


def record_from_json(data: dict) -> MinutesRecord:
    return _decode(MinutesRecord, data)


def _encode(value):
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {key: _encode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _decode(kind, value):
    """Rebuild dataclasses, lists, dicts and times from `_encode`'s output, led by the type hints."""
    if value is None:
        return None
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return kind.model_validate(value)
    if is_dataclass(kind):
        hints = _hints(kind)
        return kind(**{name: _decode(hint, value[name]) for name, hint in hints.items() if name in value})
    origin, args = get_origin(kind), get_args(kind)
    if origin is list:
        return [_decode(args[0], item) for item in value]
    if origin is dict:
        return {key: _decode(args[1], item) for key, item in value.items()}
    if origin in (UnionType, Union):
        concrete = [arg for arg in args if arg is not type(None)]
        return _decode(concrete[0], value) if len(concrete) == 1 else value
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    return value


@cache
def _hints(kind) -> dict:
    """A dataclass's fields and their types, resolved once per class (a frozen digest has thousands)."""
    hints = get_type_hints(kind)
    return {f.name: hints[f.name] for f in fields(kind)}
