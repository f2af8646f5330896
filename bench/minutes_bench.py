"""The minutes of a two-day session, against the chair's digest of the same session, in one run.

Run from the repository root: `python bench/minutes_bench.py`. The session is built in memory
(no database: the record and the digest are what the renderers read): 40 agenda items, 200
speeches, 30 questions, 40 open votes of 500 delegates with their named lists, 5,000 written
comments. Each paper is made as the app makes it: the PDF typeset by the PDF worker pool, the
DOCX by python-docx in this process. Timed: the digest (PDF, DOCX); the minutes without the
appendix; the minutes with the digest as appendix (what the route returns). Prints the medians,
the ratios to the digest of the same run, and PASS or FAIL against the issue's 2 s for the
minutes themselves (exit 1 on FAIL).
"""

import hashlib
import random
import statistics
import sys
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotations.digest import (  # noqa: E402
    DelegateCount,
    Digest,
    DigestFilters,
    DocumentDigest,
    Entry,
    ItemDigest,
    ParagraphDigest,
)
from annotations.exports.docx import digest_docx  # noqa: E402
from annotations.exports.heading import ReportHeading  # noqa: E402
from annotations.exports.pdf import typeset_request as digest_request  # noqa: E402
from minutes.docx import minutes_docx  # noqa: E402
from minutes.pdf import typeset_request as minutes_request  # noqa: E402
from minutes.record import (  # noqa: E402
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
from storage.workers import PdfWorkerPool  # noqa: E402

ITEMS = 40
SPEECHES = 200
QUESTIONS = 30
POLLS = 40
DELEGATES = 500
COMMENTS = 5000
PARAGRAPHS_PER_DOCUMENT = 25
ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 1  # `python bench/minutes_bench.py 3`: median of 3
BUDGET_S = 2.0
SEED = 20
TEXT = (
    "đề nghị làm rõ nguồn vốn thực hiện đề án chuyển đổi số cấp xã trong năm tới với các chỉ tiêu cụ thể "
    "được giao cho từng thôn bản vùng cao cần bổ sung kinh phí đào tạo cán bộ hạ tầng mạng di động"
)
WORDS = TEXT.split(" ")
HEADING = ReportHeading("Hội đồng nhân dân tỉnh Thái Nguyên", "Thái Nguyên")
DAY1, DAY2 = datetime(2026, 12, 3, 1, 0), datetime(2026, 12, 4, 1, 0)


def sentence(rng: random.Random, low: int, high: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))
    return text[0].upper() + text[1:] + "."


def session(rng: random.Random) -> tuple[MinutesRecord, Digest]:
    names = [f"Đại biểu {sentence(rng, 2, 3)[:-1]} {n:03d}" for n in range(1, DELEGATES + 1)]
    digest = _digest(rng, names)
    items = []
    for n in range(ITEMS):
        day = DAY1 if n < ITEMS // 2 else DAY2
        start = day + timedelta(minutes=10 * (n % (ITEMS // 2)))
        document = digest.items[n].documents[0]
        items.append(
            ItemRecord(
                title=digest.items[n].title,
                key=f"item-{n}",
                documents=[DocumentRecord(document.title, 1, document.comments, document.participants)],
                speeches=[
                    SpeechRecord(
                        rng.choice(names),
                        start + timedelta(seconds=60 * s),
                        start + timedelta(seconds=60 * s + 300),
                        key=f"s{n}-{s}",
                    )
                    for s in range(SPEECHES // ITEMS)
                ],
                questions=[
                    QuestionRecord(
                        rng.choice(names),
                        "Ông Chủ tịch Ủy ban nhân dân tỉnh",
                        sentence(rng, 15, 30),
                        answer=sentence(rng, 20, 40),
                        commitments=[Commitment(sentence(rng, 6, 12))],
                    )
                    for _ in range(1 if n < QUESTIONS else 0)
                ],
                polls=[_poll(rng, names, sentence(rng, 6, 12), start + timedelta(minutes=9))],
            )
        )
    absent = [Absence(name, "đi công tác" if i % 2 else "") for i, name in enumerate(names[-12:])]
    record = MinutesRecord(
        meeting_id=1,
        council=HEADING.council,
        place=HEADING.place,
        title="Kỳ họp thứ Mười hai, Hội đồng nhân dân tỉnh Thái Nguyên khóa XIV",
        location="Hội trường Tỉnh ủy",
        starts_at=DAY1,
        chair=names[0],
        secretary=names[1],
        generated_at=DAY2 + timedelta(hours=6),
        roster_total=DELEGATES,
        sittings=[
            SittingRecord(
                "Phiên thứ nhất", DAY1, DAY1 + timedelta(hours=4), DELEGATES - 12, DELEGATES, absent
            ),
            SittingRecord(
                "Phiên thứ hai", DAY2, DAY2 + timedelta(hours=4), DELEGATES - 12, DELEGATES, absent
            ),
        ],
        guests=[Person(f"Khách mời {n}", "Giám đốc Sở") for n in range(20)],
        items=items,
        summaries={f"s{n}-0": sentence(rng, 30, 60) for n in range(ITEMS)},
        conclusions={f"item-{n}": sentence(rng, 20, 40) for n in range(ITEMS)},
        digest=digest,
    )
    return record, digest


def _poll(rng: random.Random, names: list[str], title: str, closed: datetime) -> PollRecord:
    choices = rng.choices(
        ["for", "against", "abstain", "not_voted"], weights=[80, 10, 5, 5], k=len(names) - 12
    )
    choices += ["absent"] * 12  # the named list names the absent too, under their own heading
    named = [Ballot(name, choice) for name, choice in zip(names, choices, strict=True)]
    counts = {c: choices.count(c) for c in ("for", "against", "abstain", "not_voted", "absent")}
    share = f"{100 * counts['for'] / len(names):.2f}".replace(".", ",")
    agreed = f"Tán thành {counts['for']}/{len(names)} đại biểu"
    return PollRecord(
        title=f"Biểu quyết: {title}",
        result_text=f"{agreed} ({share}% tổng số đại biểu) — THÔNG QUA",
        total=len(names),
        counts=counts,
        closed_at=closed,
        named=named,
        digest=hashlib.sha256("\n".join(f"{b.name}\t{b.choice}" for b in named).encode()).hexdigest(),
    )


def _digest(rng: random.Random, names: list[str]) -> Digest:
    items = []
    for n in range(ITEMS):
        paragraphs = [
            ParagraphDigest(
                id=n * 1000 + p, number=p, page=1 + p // 4, text=sentence(rng, 40, 90), bbox=[0, 0, 1, 1]
            )
            for p in range(1, PARAGRAPHS_PER_DOCUMENT + 1)
        ]
        document = DocumentDigest(
            id=n + 1,
            title=f"Tờ trình {n + 1}: {sentence(rng, 5, 9)}",
            version=1,
            status="active",
            page_count=8,
        )
        document.paragraphs = paragraphs
        items.append(
            ItemDigest(
                id=n + 1,
                position=n + 1,
                title=f"Nội dung {n + 1}: {sentence(rng, 4, 9)}",
                documents=[document],
            )
        )
    documents = [item.documents[0] for item in items]
    authors: dict[str, DelegateCount] = {}
    for number in range(1, COMMENTS + 1):
        document = rng.choice(documents)
        paragraph = rng.choice(document.paragraphs)
        author = rng.choice(names[:200])
        when = DAY1 + timedelta(seconds=number * 20)
        paragraph.entries.append(
            Entry(id=number, kind="comment", author_id=hash(author), author=author, created_at=when,
                  updated_at=when, body=sentence(rng, 8, 60), hidden=False, reply_to=None,
                  page=paragraph.page)
        )  # fmt: skip
        paragraph.comments += 1
        document.comments += 1
        count = authors.setdefault(author, DelegateCount(user_id=hash(author), name=author))
        count.comments += 1
    for document in documents:
        document.paragraphs = [p for p in document.paragraphs if p.entries]
        document.participants = len({e.author for p in document.paragraphs for e in p.entries})
    return Digest(
        meeting_id=1, title="Kỳ họp thứ Mười hai", starts_at=DAY1, location="Hội trường Tỉnh ủy",
        chair=names[0], generated_at=DAY2, filters=DigestFilters(), items=items,
        delegates=list(authors.values()),
    )  # fmt: skip


def timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> int:
    record, digest = session(random.Random(SEED))
    bare = replace(record, digest=None)
    pool = PdfWorkerPool(size=2, timeout_s=120, ingest_timeout_s=120)

    def pdf(job: dict) -> bytes:
        return pool.typeset(job["fragments"], job["css"], job["page_numbers"], job["metadata"])

    cases = {
        "digest.pdf": lambda: pdf(digest_request(digest, HEADING)),
        "digest.docx": lambda: digest_docx(digest, HEADING),
        "minutes.pdf (no appendix)": lambda: pdf(minutes_request(bare, HEADING)),
        "minutes.docx (no appendix)": lambda: minutes_docx(bare, HEADING),
        "minutes.pdf (+ digest appendix)": lambda: pdf(minutes_request(record, HEADING)),
        "minutes.docx (+ digest appendix)": lambda: minutes_docx(record, HEADING),
    }
    try:
        pdf(minutes_request(replace(bare, items=bare.items[:1]), HEADING))  # start the workers
        times = {name: [] for name in cases}
        for _ in range(ROUNDS):  # interleaved, so both see the same machine load
            for name, work in cases.items():
                times[name].append(timed(work))
                print(f"  … {name}: {times[name][-1]:.2f} s", flush=True)
    finally:
        pool.close()
    median = {name: statistics.median(values) for name, values in times.items()}
    print(
        f"session: {ITEMS} items, {SPEECHES} speeches, {QUESTIONS} questions, {POLLS} votes of "
        f"{DELEGATES} delegates, {COMMENTS} comments; median of {ROUNDS}"
    )
    for name, value in median.items():
        kind = "PDF" if ".pdf" in name else "DOCX"
        base = median[f"digest.{kind.lower()}"]
        print(f"  {name:<34} {value:6.2f} s   ×{value / base:5.2f} of the digest's {kind}")
    own = max(median["minutes.pdf (no appendix)"], median["minutes.docx (no appendix)"])
    verdict = "PASS" if own <= BUDGET_S else "FAIL"
    print(f"{verdict}: the minutes themselves in {own:.2f} s (budget {BUDGET_S:.1f} s)")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
