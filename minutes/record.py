"""What the minutes say, as plain data: the one input of every renderer.

The renderers (minutes/pdf.py, minutes/docx.py) read only these dataclasses, never the
database, so a test or a benchmark builds a whole session by hand, and the code that fills a
record (minutes/assemble.py) is the only place that knows where each fact is stored.
"""

from dataclasses import asdict, dataclass, field, fields, is_dataclass, replace
from datetime import date, datetime
from types import UnionType
from typing import Union, get_args, get_origin, get_type_hints

# How a delegate voted, as the named list prints it.
CHOICES = {"for": "Tán thành", "against": "Không tán thành", "abstain": "Không biểu quyết"}


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
    choice: str  # "for" | "against" | "abstain" | "" (did not vote)


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
    # The chair's digest of written comments (annotations.digest.Digest), the appendix.
    digest: object | None = None

    @property
    def opened_at(self) -> datetime:
        return self.sittings[0].opened_at if self.sittings else self.starts_at

    @property
    def closed_at(self) -> datetime | None:
        if not self.sittings:
            return None
        return self.sittings[-1].closed_at

    def polls(self) -> list[PollRecord]:
        return [poll for item in self.items for poll in item.polls]


def record_to_json(record: MinutesRecord) -> dict:
    """The record as JSON (times as ISO text), to freeze a finalised version; the digest stays out."""
    data = asdict(replace(record, digest=None))
    return _encode(data)


def record_from_json(data: dict) -> MinutesRecord:
    return _decode(MinutesRecord, data)


def _encode(value):
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
    if is_dataclass(kind):
        hints = get_type_hints(kind)
        return kind(
            **{f.name: _decode(hints[f.name], value[f.name]) for f in fields(kind) if f.name in value}
        )
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
