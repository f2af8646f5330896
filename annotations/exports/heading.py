"""Wording shared by the PDF and DOCX reports, laid out as a Vietnamese administrative document.

The reports are official papers of the council, so they are always in Vietnamese, whatever
language the chair's screen uses (Nghị định 30/2020/NĐ-CP sets the header, motto and date line).
"""

from dataclasses import dataclass
from datetime import datetime

from annotations.digest import Digest, Entry
from core.clock import in_vietnam

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
TITLE = "BÁO CÁO TỔNG HỢP Ý KIẾN ĐẠI BIỂU"
HIDDEN_TEXT = "[Ý kiến đã được chủ tọa ẩn, không đưa nội dung vào báo cáo]"
FOOTER = "Trang {page}/{pages}"
KIND_LABELS = {"comment": "Ý kiến", "note": "Ghi chú"}
# Where a council's name breaks onto its second line: "HỘI ĐỒNG NHÂN DÂN" / "HUYỆN VÕ NHAI".
LEVELS = ("TỈNH ", "THÀNH PHỐ ", "HUYỆN ", "THỊ XÃ ", "QUẬN ", "XÃ ", "PHƯỜNG ", "THỊ TRẤN ", "ĐẶC KHU ")
ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


@dataclass(frozen=True)
class ReportHeading:
    """Who issues the report and where: the meeting's council, else COUNCIL_NAME and COUNCIL_PLACE."""

    council: str
    place: str

    def of_council(self, council) -> "ReportHeading":
        """The heading of a council's meeting; `self` (the deployment's default) for one of none."""
        return ReportHeading(council.name, council.place) if council is not None else self

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


def clock(value: datetime) -> str:
    """ "08:15 ngày 23/11/2026", in Vietnam's time."""
    local = in_vietnam(value)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


def entry_text(entry: Entry) -> str:
    return HIDDEN_TEXT if entry.hidden else entry.body


def meeting_lines(digest: Digest) -> list[tuple[str, str]]:
    """The meeting facts under the title, and the filters that narrowed the report, if any."""
    lines = [
        ("Kỳ họp", digest.title),
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


def document_label(title: str, version: int, status: str) -> str:
    if status == "active":
        return title if version == 1 else f"{title} (phiên bản {version})"
    state = "đã được thay thế" if status == "replaced" else "đã rút"
    return f"{title} (phiên bản {version}, {state})"
