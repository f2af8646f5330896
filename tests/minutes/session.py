"""A scripted two-sitting session, built by hand as the minutes' record: what the tests check against."""

import hashlib
from datetime import date, datetime, timedelta

from minutes.record import (
    Absence,
    Ballot,
    Commitment,
    DocumentRecord,
    ItemRecord,
    MinutesRecord,
    Person,
    PollRecord,
    QuestionRecord,
    SittingRecord,
    SpeechRecord,
)

COUNCIL = "Hội đồng nhân dân xã Thần Sa"
TITLE = "Kỳ họp thứ Mười hai, Hội đồng nhân dân xã Thần Sa khóa XXII"
ROSTER = [f"Đại biểu Số {n:02d}" for n in range(1, 26)]
# Times are UTC; Hà Nội is seven hours ahead: 01:00 UTC is 08:00 in the hall.
DAY1 = datetime(2026, 12, 3, 1, 0)
DAY2 = datetime(2026, 12, 4, 1, 0)


def at(day: datetime, minutes: int, seconds: int = 0) -> datetime:
    return day + timedelta(minutes=minutes, seconds=seconds)


def result_text(agree: int, total: int, passed: bool) -> str:
    share = f"{100 * agree / total:.2f}".replace(".", ",")
    verdict = "THÔNG QUA" if passed else "KHÔNG THÔNG QUA"
    return f"Tán thành {agree}/{total} đại biểu ({share}% tổng số đại biểu) — {verdict}"


def named_poll(title: str, choices: list[str], closed_at: datetime) -> PollRecord:
    """An open (named) electronic vote of the 25 delegates, `choices` in roster order: "for",
    "against", "abstain", "not_voted" (present, pressed nothing) or "absent", as frozen at close."""
    named = [Ballot(name, choice) for name, choice in zip(ROSTER, choices, strict=True)]
    counts = {key: choices.count(key) for key in ("for", "against", "abstain", "not_voted", "absent")}
    total = len(ROSTER)
    digest = hashlib.sha256("\n".join(f"{b.name}\t{b.choice}" for b in named).encode()).hexdigest()
    return PollRecord(
        title=title,
        result_text=result_text(counts["for"], total, counts["for"] * 2 > total),
        total=total,
        counts=counts,
        closed_at=closed_at,
        named=named,
        digest=digest,
    )


def scripted_session() -> MinutesRecord:
    budget = named_poll(
        "Biểu quyết thông qua Nghị quyết về dự toán ngân sách xã năm 2027",
        ["for"] * 20 + ["against"] * 1 + ["abstain"] * 1 + ["not_voted"] * 1 + ["absent"] * 2,
        at(DAY1, 170),
    )
    roads = named_poll(
        "Biểu quyết thông qua Đề án làm đường giao thông nông thôn",
        ["for"] * 12 + ["against"] * 8 + ["abstain"] * 2 + ["absent"] * 3,
        at(DAY2, 100),
    )
    personnel = PollRecord(
        title="Bầu Phó Chủ tịch Hội đồng nhân dân xã (bỏ phiếu kín)",
        result_text=result_text(21, 25, True),
        total=25,
        counts={"for": 21, "against": 1, "abstain": 0, "not_voted": 1, "absent": 2},
        closed_at=at(DAY2, 150),
        secret=True,
    )
    return MinutesRecord(
        meeting_id=7,
        council=COUNCIL,
        place="Thần Sa",
        title=TITLE,
        location="Hội trường Ủy ban nhân dân xã Thần Sa",
        starts_at=DAY1,
        chair="Nguyễn Văn Chủ",
        secretary="Trần Thị Ký",
        generated_at=at(DAY2, 240),
        roster_total=25,
        sittings=[
            SittingRecord(
                "Phiên thứ nhất (sáng 03/12/2026)",
                opened_at=at(DAY1, 0),
                closed_at=at(DAY1, 210),
                present=23,
                total=25,
                absent=[Absence("Đại biểu Số 24", "đi công tác tỉnh"), Absence("Đại biểu Số 25")],
                late=[Person("Đại biểu Số 23")],
            ),
            SittingRecord(
                "Phiên thứ hai (sáng 04/12/2026)",
                opened_at=at(DAY2, 5),
                closed_at=at(DAY2, 185),
                present=22,
                total=25,
                absent=[
                    Absence("Đại biểu Số 23", "ốm"),
                    Absence("Đại biểu Số 24", "đi công tác tỉnh"),
                    Absence("Đại biểu Số 25"),
                ],
            ),
        ],
        guests=[
            Person("Lê Văn Khách", "Chủ tịch Ủy ban nhân dân xã"),
            Person("Phạm Thị Mời", "Trưởng Công an xã"),
        ],
        items=[
            ItemRecord(
                title="Dự toán ngân sách xã năm 2027",
                key="item-1",
                documents=[
                    DocumentRecord("Tờ trình dự toán ngân sách năm 2027", 2, comments=14, commenters=6),
                    DocumentRecord("Dự thảo Nghị quyết về dự toán ngân sách", 1),
                ],
                speeches=[
                    SpeechRecord(
                        "Đại biểu Số 03", at(DAY1, 20), at(DAY1, 27, 10), topic="nguồn thu", key="s1"
                    ),
                    SpeechRecord(
                        "Đại biểu Số 07", at(DAY1, 30), at(DAY1, 30, 45), kind="point_of_order", key="s2"
                    ),
                ],
                questions=[
                    QuestionRecord(
                        "Đại biểu Số 05",
                        "Lê Văn Khách, Chủ tịch Ủy ban nhân dân xã",
                        "Vì sao chi thường xuyên tăng 12%?",
                        answer="Do tăng lương cơ sở từ tháng 7.",
                        commitments=[Commitment("Báo cáo chi tiết chi thường xuyên", date(2027, 1, 15))],
                    )
                ],
                polls=[budget],
            ),
            ItemRecord(
                title="Đề án làm đường giao thông nông thôn",
                key="item-2",
                documents=[DocumentRecord("Đề án giao thông nông thôn", 1, comments=5, commenters=3)],
                speeches=[SpeechRecord("Đại biểu Số 11", at(DAY2, 40), at(DAY2, 45), key="s3")],
                polls=[roads],
            ),
            ItemRecord(title="Công tác nhân sự", key="item-3", polls=[personnel]),
        ],
        summaries={"s1": "Đề nghị rà soát nguồn thu từ đất."},
        conclusions={"item-1": "Chủ tọa kết luận: thống nhất trình biểu quyết."},
    )
