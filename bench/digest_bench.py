"""The chair's digest of a busy meeting: 20 documents, 5,000 shared comments, within 5 s and 300 MB.

Run from the repository root: `python bench/digest_bench.py`. A child process fills a temporary
SQLite database straight through the models (bulk inserts); this process then asks the app for
each export, to the last byte, with the real PDF worker pool, and measures the peak memory of
the web process and of the PDF workers. The yardstick is PyMuPDF alone typesetting the very
same HTML through storage.pdf.typeset.html_to_pdf in one process. Prints PASS or FAIL (on the
median of ROUNDS runs of each format) and exits 1 on FAIL.
"""

import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DOCUMENTS = 20
AGENDA_ITEMS = 5
PARAGRAPHS_PER_DOCUMENT = 40
DELEGATES = 45
COMMENTS = 5000
REPLY_SHARE = 0.25
HIDDEN_SHARE = 0.01
HIGHLIGHTS = 1000
PRIVATE = 300
ROUNDS = 3
BUDGET_S = 5.0
BUDGET_MB = 300
SEED = 23
PASSWORD = "matkhau123"

TEXT = (
    "đề nghị làm rõ nguồn vốn thực hiện đề án chuyển đổi số cấp xã trong năm tới với các chỉ tiêu cụ "
    "thể được giao cho từng thôn bản vùng cao cần bổ sung kinh phí đào tạo cán bộ hạ tầng mạng di động "
    "phủ sóng người dân sử dụng dịch vụ công trực tuyến thủ tục hành chính hồ sơ điện tử báo cáo số "
    "liệu năm chưa khớp với biểu tổng hợp của phòng tài chính kế hoạch huyện"
)
WORDS = TEXT.split(" ")
NAMES = (
    ("Nguyễn", "Trần", "Lê", "Hoàng", "Lò", "Đinh", "Ma", "La", "Dương", "Triệu"),
    ("Văn", "Thị", "Hồng", "Đức", "Minh", "Thu"),
    ("Nhung", "Phúc", "Yến", "Hùng", "Sơn", "Huệ", "Hà", "Thắng", "Lan", "Quyết"),
)


def sentence(rng: random.Random, low: int, high: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))
    return text[0].upper() + text[1:] + "."


class MeetingBuilder:
    """One published meeting, its documents and paragraphs, and its annotations as insert rows."""

    def __init__(self, db, models, rng: random.Random):
        self.db, self.m, self.rng = db, models, rng
        self.rows: list[dict] = []
        self.roots: list[dict] = []
        self.seq: dict[int, int] = {}
        self.start = datetime(2026, 12, 1, 1, 0)

    def people(self, password_hash: str) -> None:
        user = self.m["User"]
        self.chair = user(username="chutoa", password_hash=password_hash, full_name="Đinh Văn Hùng")
        self.secretary = user(username="thuky", password_hash=password_hash, full_name="Hoàng Thị Yến")
        self.delegates = [
            user(
                username=f"daibieu{n}",
                password_hash=password_hash,
                full_name=" ".join(map(self.rng.choice, NAMES)),
            )
            for n in range(1, DELEGATES + 1)
        ]
        self.db.session.add_all([self.chair, self.secretary, *self.delegates])
        self.db.session.flush()

    def meeting(self) -> None:
        meeting = self.m["Meeting"](
            title="Kỳ họp thứ Mười hai HĐND xã Thần Sa khóa XXI",
            starts_at=self.start,
            location="Hội trường UBND huyện",
            status="published",
            created_by_id=self.secretary.id,
        )
        from councils.models import Council, CouncilMember

        # a meeting's council heads its report (a meeting of none gets no digest PDF or DOCX)
        meeting.council = Council(name="Hội đồng nhân dân xã Thần Sa", place="Thần Sa", level="commune")
        meeting.council.roster = [CouncilMember(user=person) for person in (self.chair, *self.delegates)]
        membership = self.m["Membership"]
        meeting.memberships.extend(
            [membership(user=self.secretary, role="secretary"), membership(user=self.chair, role="chair")]
            + [membership(user=d, role="delegate") for d in self.delegates]
        )
        items = [
            self.m["AgendaItem"](
                meeting=meeting, position=n, title=f"Nội dung {n}: {sentence(self.rng, 4, 9)}"
            )
            for n in range(1, AGENDA_ITEMS + 1)
        ]
        self.db.session.add_all([meeting, *items])
        self.db.session.flush()
        self.documents = [self._document(items[n % AGENDA_ITEMS], n) for n in range(DOCUMENTS)]
        self.db.session.add_all(self.documents)
        self.db.session.flush()
        self.seq = {d.id: 0 for d in self.documents}

    def _document(self, item, n: int):
        return self.m["Document"](
            agenda_item_id=item.id,
            position=n,
            title=f"Tài liệu {n + 1}: {sentence(self.rng, 5, 10)}",
            sha256="0" * 64,
            size_bytes=1,
            page_count=PARAGRAPHS_PER_DOCUMENT // 4,
            uploaded_by_id=self.secretary.id,
        )

    def paragraphs(self) -> None:
        from sqlalchemy import insert, select

        paragraph = self.m["Paragraph"]
        rows = []
        for document in self.documents:
            for n in range(1, PARAGRAPHS_PER_DOCUMENT + 1):
                top = 60.0 + 180 * (n % 4)
                box = {"x0": 73.0, "y0": top, "x1": 532.0, "y1": top + 160}
                text = sentence(self.rng, 50, 110)
                rows.append(
                    {"document_id": document.id, "number": n, "page": 1 + n // 4, **box, "text": text}
                )
        self.db.session.execute(insert(paragraph), [{**r, "kind": "body", "parts": []} for r in rows])
        columns = (paragraph.id, paragraph.document_id, paragraph.page, paragraph.y0)
        self.all_paragraphs = self.db.session.execute(select(*columns)).all()
        self.by_id = {p.id: p for p in self.all_paragraphs}

    def annotation(self, author, paragraph, kind: str, body: str, target: dict, **extra) -> dict:
        self.seq[paragraph.document_id] += 1
        when = self.start + timedelta(seconds=len(self.rows) * 2)
        row = {
            "id": len(self.rows) + 1,
            "document_id": paragraph.document_id,
            "author_id": author.id,
            "kind": kind,
            "visibility": "shared",
            "target": target,
            "body": body,
            "paragraph_id": paragraph.id if kind == "comment" else None,
            "page": paragraph.page,
            "reply_to_id": None,
            "seq": self.seq[paragraph.document_id],
            "created_at": when,
            "updated_at": when,
            "hidden_at": None,
            "hidden_by_id": None,
            **extra,
        }
        self.rows.append(row)
        return row

    def debate(self) -> None:
        rng = self.rng
        for _ in range(COMMENTS):
            author = rng.choice(self.delegates)
            if self.roots and rng.random() < REPLY_SHARE:
                parent = rng.choice(self.roots)
                paragraph = self.by_id[parent["paragraph_id"]]
                target = {"paragraph_id": paragraph.id, "quote": ""}
                self.annotation(
                    author, paragraph, "comment", sentence(rng, 6, 40), target, reply_to_id=parent["id"]
                )
                continue
            paragraph = rng.choice(self.all_paragraphs)
            hidden = (
                {"hidden_at": self.start, "hidden_by_id": self.chair.id}
                if rng.random() < HIDDEN_SHARE
                else {}
            )
            target = {"paragraph_id": paragraph.id, "quote": ""}
            self.roots.append(
                self.annotation(author, paragraph, "comment", sentence(rng, 8, 60), target, **hidden)
            )
        for _ in range(HIGHLIGHTS):
            paragraph = rng.choice(self.all_paragraphs)
            quad = [80.0, paragraph.y0 + 2, 300.0, paragraph.y0 + 16]
            target = {"page": paragraph.page, "quads": [quad], "quote": "x"}
            self.annotation(rng.choice(self.delegates), paragraph, "highlight", "", target)
        for _ in range(PRIVATE):
            paragraph = rng.choice(self.all_paragraphs)
            target = {"paragraph_id": paragraph.id, "quote": ""}
            self.annotation(
                rng.choice(self.delegates), paragraph, "comment", "Riêng", target, visibility="private"
            )

    def store(self) -> None:
        from sqlalchemy import insert

        self.db.session.execute(insert(self.m["Annotation"]), self.rows)
        sequences = [{"document_id": k, "last_seq": v} for k, v in self.seq.items()]
        self.db.session.execute(insert(self.m["DocumentSequence"]), sequences)
        self.db.session.commit()


def generate(data_dir: str) -> None:
    """Fill the database with one meeting's worth of documents and comments."""
    os.environ["DATA_DIR"] = data_dir
    from werkzeug.security import generate_password_hash

    from accounts.models import User
    from annotations.models import Annotation, DocumentSequence
    from composition.app import create_app
    from core.extensions import db
    from documents.models import Document, Paragraph
    from meetings.models import AgendaItem, Meeting, Membership

    models = {
        "User": User, "Meeting": Meeting, "Membership": Membership, "AgendaItem": AgendaItem,
        "Document": Document, "Paragraph": Paragraph, "Annotation": Annotation,
        "DocumentSequence": DocumentSequence,
    }  # fmt: skip
    app = create_app({"PREWARM_PAGES": False})
    with app.app_context():
        builder = MeetingBuilder(db, models, random.Random(SEED))
        builder.people(generate_password_hash(PASSWORD, "pbkdf2:sha256:1000"))
        builder.meeting()
        builder.paragraphs()
        builder.debate()
        builder.store()
    app.extensions["documents"].pool.close()
    print(f"generated {len(builder.rows)} annotations ({COMMENTS} shared comments) on {DOCUMENTS} documents")


def children() -> dict[int, dict[str, str]]:
    """/proc status fields of this process's children: the PDF workers."""
    found = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(os.getpid()):
            found[int(status.parent.name)] = fields
    return found


def worker_peak_mb() -> float:
    return max((int(f["VmHWM"].split()[0]) for f in children().values() if "VmHWM" in f), default=0) / 1024


def cpu_seconds() -> tuple[float, float]:
    """CPU time used so far by this process and, summed, by its live children."""
    ticks = os.sysconf("SC_CLK_TCK")
    workers = 0.0
    for pid in children():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        workers += (int(fields[11]) + int(fields[12])) / ticks
    return time.process_time(), workers


def yardstick(app) -> float:
    """PyMuPDF alone: the same fragments through html_to_pdf, in this process, no workers."""
    from accounts.models import User
    from annotations.digest import DigestFilters
    from annotations.exports.heading import ReportHeading
    from annotations.exports.pdf import typeset_request
    from annotations.exports.service import meeting_digest
    from core.extensions import db
    from storage.pdf.typeset import html_to_pdf

    with app.app_context():
        chair = db.session.scalar(db.select(User).where(User.username == "chutoa"))
        digest = meeting_digest(chair, 1, DigestFilters())
        job = typeset_request(digest, ReportHeading("Hội đồng nhân dân xã Thần Sa", "Thần Sa"))
    began = time.perf_counter()
    html_to_pdf(job["fragments"], job["css"], page_numbers=job["page_numbers"], metadata=job["metadata"])
    return time.perf_counter() - began


def measure(data_dir: str) -> int:
    os.environ["DATA_DIR"] = data_dir
    import pymupdf

    from composition.app import create_app

    app = create_app({"PREWARM_PAGES": False, "AUTO_MIGRATE": False})
    client = app.test_client()
    token = client.post("/api/login", json={"username": "chutoa", "password": PASSWORD}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    client.get("/api/meetings/1/digest.csv", headers=headers)  # warm up: imports, first queries
    app.extensions["documents"].pool.typeset(["<p>khởi động</p>"], "")  # a running server has its workers up

    times: dict[str, list[float]] = {}
    cpu: dict[str, list[tuple[float, float]]] = {}
    sizes: dict[str, int] = {}
    for _ in range(ROUNDS):
        for fmt in ("pdf", "docx", "csv", "json"):
            web_cpu, workers_cpu = cpu_seconds()
            began = time.perf_counter()
            response = client.get(f"/api/meetings/1/digest.{fmt}", headers=headers)
            body = response.data  # the last byte
            times.setdefault(fmt, []).append(time.perf_counter() - began)
            web_after, workers_after = cpu_seconds()
            cpu.setdefault(fmt, []).append((web_after - web_cpu, workers_after - workers_cpu))
            assert response.status_code == 200, response.status_code
            sizes[fmt] = len(body)
            if fmt == "pdf":
                with pymupdf.open("pdf", body) as document:
                    pages = document.page_count
    web_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_peak = worker_peak_mb()
    app.extensions["documents"].pool.close()
    alone = yardstick(app)

    print(f"{DOCUMENTS} documents, {COMMENTS} shared comments ({HIGHLIGHTS} highlights, {PRIVATE} private)")
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for fmt, runs in times.items():
        runs_text = " ".join(f"{r:.2f}" for r in runs)
        web, workers = (statistics.median(c[i] for c in cpu[fmt]) for i in (0, 1))
        print(
            f"  digest.{fmt:<5} median {statistics.median(runs):5.2f} s to the last byte (runs {runs_text})"
        )
        print(f"{'':17}{sizes[fmt] / 1024:6.0f} KiB; CPU: web process {web:.2f} s, workers {workers:.2f} s")
    pdf_s = statistics.median(times["pdf"])
    print(f"  PDF: {pages} pages; PyMuPDF alone on the same HTML (html_to_pdf, one process): {alone:.2f} s")
    print(f"  export / PyMuPDF alone = {pdf_s / alone:.2f}")
    print(f"  peak RSS: web process {web_peak:.0f} MB, largest PDF worker {worker_peak:.0f} MB")
    ok = (
        all(statistics.median(runs) <= BUDGET_S for runs in times.values())
        and web_peak <= BUDGET_MB
        and worker_peak <= BUDGET_MB
    )
    print(
        f"{'PASS' if ok else 'FAIL'} (budget {BUDGET_S:.0f} s to the last byte, {BUDGET_MB} MB per process)"
    )
    return 0 if ok else 1


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--generate":
        generate(sys.argv[2])
        return 0
    with tempfile.TemporaryDirectory(prefix="digest-bench-") as data_dir:
        subprocess.run([sys.executable, __file__, "--generate", data_dir], check=True)
        return measure(data_dir)


if __name__ == "__main__":
    sys.exit(main())
