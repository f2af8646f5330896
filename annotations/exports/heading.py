"""Wording shared by the PDF and DOCX reports, laid out as a Vietnamese administrative document.

The reports are official papers of the council, so they are always in Vietnamese, whatever
language the chair's screen uses (Nghị định 30/2020/NĐ-CP sets the header, motto and date line).
"""

from dataclasses import dataclass
from datetime import datetime

from annotations.digest import Digest, DocumentDigest, Entry, ParagraphDigest
from core.clock import in_vietnam
from core.errors import AppError

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
# The kind of paper, then what it is about (trích yếu), as the decree sets them out.
TITLE = "BÁO CÁO"
SUBJECT = "Tổng hợp ý kiến đại biểu về tài liệu kỳ họp"
HIDDEN_TEXT = "[Ý kiến đã được chủ tọa ẩn, không đưa nội dung vào báo cáo]"
# Nghị định 30: the page number alone, top centre, from page 2 on.
PAGE_NUMBERS = "{page}"
KIND_LABELS = {"comment": "Ý kiến", "note": "Ghi chú", "highlight": "Đánh dấu", "ink": "Nét vẽ"}
CARRIED = {
    "unchanged": "mang sang từ bản trước",
    "edited": "mang sang từ bản trước · đoạn đã được sửa",
    "orphaned": "mang sang từ bản trước · đoạn đã bị bỏ",
}
ORPHANED = "Ý kiến về các đoạn đã bị bỏ ở bản này"
CHANGES = {"edited": "đoạn đã sửa so với bản trước", "added": "đoạn mới"}
# Where a council's name breaks onto its second line: "HỘI ĐỒNG NHÂN DÂN" / "HUYỆN VÕ NHAI".
LEVELS = ("TỈNH ", "THÀNH PHỐ ", "HUYỆN ", "THỊ XÃ ", "QUẬN ", "XÃ ", "PHƯỜNG ", "THỊ TRẤN ", "ĐẶC KHU ")
ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


@dataclass(frozen=True)
class ReportHeading:
    """Who issues the report and where: the meeting's council, as the council's papers name it."""

    council: str
    place: str

    @classmethod
    def of_council(cls, council) -> "ReportHeading":
        """A report is a paper of the meeting's council; a meeting of no council has no one to
        issue it, so the secretary is asked to choose the council (never a made-up header)."""
        if council is None:
            raise AppError("council_required", 409)
        return cls(council.name, council.place)

    def council_lines(self) -> list[str]:
        name = self.council.strip().upper()
        for level in LEVELS:
            at = name.find(level, 1)
            if at > 0:
                return [name[:at].strip(), name[at:].strip()]
        return [name]

    def number_line(self) -> str:
        suffix = "BC-HĐND" if self.council.upper().startswith("HỘI ĐỒNG NHÂN DÂN") else "BC"
        return f"Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/{suffix}"

    def date_line(self, when: datetime) -> str:
        """Days below 10 and months below 3 take a leading zero, as the decree asks."""
        day = in_vietnam(when)
        month = f"{day.month:02d}" if day.month < 3 else str(day.month)
        return f"{self.place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def roman(number: int) -> str:
    out = []
    for value, letters in ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def pdf_date(value: datetime) -> str:
    """A PDF date in Vietnam's time: D:YYYYMMDDHHmmSS+07'00'."""
    return f"D:{in_vietnam(value):%Y%m%d%H%M%S}+07'00'"


def clock(value: datetime) -> str:
    """ "08:15 ngày 23/11/2026", in Vietnam's time."""
    local = in_vietnam(value)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


def entry_text(entry: Entry) -> str:
    return HIDDEN_TEXT if entry.hidden else entry.body


def entry_lines(entry: Entry) -> list[str]:
    """The text as its lines: each becomes its own paragraph, so no justified line is stretched."""
    return entry_text(entry).split("\n")


GUEST = "Khách mời"


def entry_author(entry: Entry) -> str:
    """The author as the report names them: a guest (khách mời) with the label and their office, so
    an official's answer is never read as a delegate's opinion."""
    if not entry.guest:
        return entry.author
    return f"{entry.author} ({', '.join(part for part in (GUEST, entry.office) if part)})"


def document_counts(document: DocumentDigest) -> str:
    """ "3 ý kiến, 1 trả lời, 0 ghi chú, 2 lượt đánh dấu", then the guests' answers apart, if any."""
    counts = (
        f"{document.comments} ý kiến, {document.replies} trả lời, {document.notes} ghi chú, "
        f"{document.highlights} lượt đánh dấu"
    )
    if document.answers:
        counts += f"; {document.answers} ý kiến giải trình của khách mời"
    return counts


def entry_label(entry: Entry, depth: int) -> str:
    """What the entry is, after its author and time: "Trả lời", "Ghi chú, trang 3", "Đánh dấu “…”"."""
    if depth or entry.reply_to:
        label = "Trả lời"
    elif entry.kind == "comment":
        label = ""
    else:
        label = KIND_LABELS.get(entry.kind, entry.kind)
        if entry.kind == "highlight" and entry.quote:
            quote = entry.quote if len(entry.quote) <= 80 else entry.quote[:79] + "…"
            label += f" “{quote}”"
        if entry.page:
            label += f", trang {entry.page}"
    carried = CARRIED.get(entry.carried or "", "")
    return " · ".join(part for part in (label, carried) if part)


def paragraph_title(paragraph: ParagraphDigest) -> str:
    """ "Trang 3 – Điều 2, khoản 1": the page and how delegates cite the paragraph."""
    return f"Trang {paragraph.page} – {paragraph.name}"


def paragraph_counts(paragraph: ParagraphDigest) -> str:
    """ "2 ý kiến · 1 trả lời · 1 ghi chú · 3 lượt đánh dấu", naming only what the paragraph has."""
    counts = [
        f"{count} {noun}"
        for count, noun in (
            (paragraph.comments, "ý kiến"),
            (paragraph.replies, "trả lời"),
            (paragraph.notes, "ghi chú"),
            (paragraph.highlights, "lượt đánh dấu"),
            (paragraph.answers, "giải trình của khách mời"),
        )
        if count
    ]
    change = CHANGES.get(paragraph.change or "")
    return " · ".join(counts + ([change] if change else []))


def meeting_lines(digest: Digest, titled: bool = False) -> list[tuple[str, str]]:
    """The meeting facts under the title, and the filters that narrowed the report, if any.
    `titled`: the subject line already names the meeting."""
    lines = [] if titled else [("Kỳ họp", digest.title)]
    lines += [
        ("Thời gian", clock(digest.starts_at)),
        ("Địa điểm", digest.location or "—"),
        ("Chủ tọa", digest.chair or "—"),
    ]
    filters = digest.filters
    if filters.since or filters.until:
        since = clock(filters.since) if filters.since else "…"
        until = clock(filters.until) if filters.until else "…"
        lines.append(("Ý kiến trong khoảng", f"từ {since} đến {until}"))
    return lines


APP_NAME = "Phòng họp không giấy"


def report_properties(digest: Digest, heading: ReportHeading) -> dict:
    """Who issued the report, on what and when: the file's own metadata in PDF and DOCX."""
    return {
        "title": f"Báo cáo tổng hợp ý kiến đại biểu – {digest.title}",
        "author": heading.council.strip() or APP_NAME,
        "subject": f"Ý kiến đại biểu về tài liệu kỳ họp {digest.title}",
        "keywords": "tổng hợp ý kiến, kỳ họp, HĐND",
        "creator": APP_NAME,
        "created": digest.generated_at,
    }


def document_label(title: str, version: int, status: str) -> str:
    if status == "active":
        return title if version == 1 else f"{title} (phiên bản {version})"
    state = "đã được thay thế" if status == "replaced" else "đã rút"
    return f"{title} (phiên bản {version}, {state})"
