"""The minutes' text, once, as a list of blocks that the PDF and the DOCX both set.

Laid out after Nghị định 30/2020/NĐ-CP, Phụ lục III, Mẫu 1.9 "Biên bản": time started, place,
who took part, chair, secretary, then what happened in order, the closing time, the secretary's
(left) and the chair's (right) signature blocks and "Nơi nhận". Both files say exactly the
same words because both read these blocks; the minutes are an official paper, so always in
Vietnamese.
"""

from dataclasses import dataclass
from datetime import datetime

from annotations.exports.heading import roman
from core.clock import in_vietnam
from minutes.record import CHOICES, NO_BALLOT, ItemRecord, MinutesRecord, PollRecord, SittingRecord

TITLE = "BIÊN BẢN"
BLANK_TIME = "… giờ … phút, ngày … tháng … năm …"
NO_SUMMARY = "[Thư ký ghi tóm tắt nội dung phát biểu]"
NO_CONCLUSION = "[Thư ký ghi kết luận của chủ tọa]"
RECIPIENTS = ("- Thường trực HĐND;", "- Đại biểu HĐND;", "- Lưu: VT, hồ sơ kỳ họp.")
SIGNERS = (("THƯ KÝ", "secretary"), ("CHỦ TỌA", "chair"))
SPEECH_KINDS = {"speech": "", "point_of_order": " (kiến nghị về thủ tục)"}
# While a sitting is open, a delegate nobody has marked is not yet absent: the draft says so.
UNMARKED = "Chưa điểm danh"
NOT_FINAL = "(Phiên họp chưa bế mạc: số liệu điểm danh chưa phải là số liệu chính thức.)"
# Rows of a named list frozen before "not_voted" and "absent" were told apart.
NO_BALLOT_BEFORE = "Không bấm hoặc vắng mặt"


@dataclass(frozen=True)
class Block:
    """One paragraph. `style`: h2 (agenda item), h3 (its parts), h4 (a vote's title), fact
    (bold label, then text), p, item (a listed line), note (the secretary's own words),
    small (counts and named lists), hash (a named list's hash)."""

    style: str
    text: str
    label: str = ""


def number_line(council: str) -> str:
    suffix = "BB-HĐND" if council.upper().startswith("HỘI ĐỒNG NHÂN DÂN") else "BB"
    return f"Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/{suffix}"


def clock(value: datetime) -> str:
    """ "08 giờ 15 phút, ngày 03 tháng 12 năm 2026", in Vietnam's time (the decree's wording)."""
    local = in_vietnam(value)
    month = f"{local.month:02d}" if local.month < 3 else str(local.month)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d} tháng {month} năm {local.year}"


def hour(value: datetime) -> str:
    return f"{in_vietnam(value):%H:%M}"


def duration(seconds: int) -> str:
    """ "7 phút 05 giây", "45 giây"."""
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} phút {rest:02d} giây" if minutes else f"{rest} giây"


def attendance(sitting: SittingRecord) -> str:
    return f"{sitting.present}/{sitting.total}"


def body(record: MinutesRecord) -> list[Block]:
    """Everything between the title and the signatures, in reading order."""
    blocks = [
        Block("fact", clock(record.opened_at), "Thời gian bắt đầu: "),
        Block("fact", record.location or "…", "Địa điểm: "),
        Block("fact", "", "Thành phần tham dự:"),
    ]
    blocks += _attendance(record)
    blocks += [
        Block("fact", record.chair or "…", "Chủ tọa: "),
        Block("fact", record.secretary or "…", "Thư ký: "),
        Block("fact", "", "Nội dung:"),
    ]
    for number, item in enumerate(record.items, start=1):
        blocks += _item(record, number, item)
    closed = clock(record.closed_at) if record.closed_at else BLANK_TIME
    blocks.append(Block("p", f"Kỳ họp kết thúc vào hồi {closed}./."))
    return blocks


def _attendance(record: MinutesRecord) -> list[Block]:
    blocks = []
    if not record.sittings:
        total = record.roster_total or "…"
        blocks.append(Block("item", f"- Đại biểu có mặt: …/{total}."))
    for sitting in record.sittings:
        closed = f", bế mạc lúc {hour(sitting.closed_at)}" if sitting.closed_at else ""
        blocks.append(
            Block(
                "item",
                f"- {sitting.title}: khai mạc lúc {hour(sitting.opened_at)}{closed}; "
                f"đại biểu có mặt {attendance(sitting)}.",
            )
        )
        with_reason = [a for a in sitting.absent if a.reason]
        without = [a.name for a in sitting.absent if not a.reason]
        if not sitting.is_open:  # nobody marked them, and the sitting is over: absent
            without += [person.name for person in sitting.unmarked]
        if with_reason:
            names = "; ".join(f"{a.name} ({a.reason})" for a in with_reason)
            blocks.append(Block("item", f"Vắng mặt có lý do ({len(with_reason)}): {names}.", ""))
        if without:
            blocks.append(
                Block("item", f"Vắng mặt không có lý do ({len(without)}): {'; '.join(without)}.", "")
            )
        if sitting.late:
            names = "; ".join(p.name for p in sitting.late)
            blocks.append(Block("item", f"Đến muộn ({len(sitting.late)}): {names}.", ""))
        if sitting.is_open:
            if sitting.unmarked:
                names = "; ".join(p.name for p in sitting.unmarked)
                blocks.append(Block("item", f"{UNMARKED} ({len(sitting.unmarked)}): {names}.", ""))
            blocks.append(Block("item", NOT_FINAL))
    if record.guests:
        blocks.append(Block("item", f"- Khách mời ({len(record.guests)}):"))
        for guest in record.guests:
            office = f", {guest.office}" if guest.office else ""
            blocks.append(Block("item", f"+ {guest.name}{office};"))
    return blocks


def _item(record: MinutesRecord, number: int, item: ItemRecord) -> list[Block]:
    blocks = [Block("h2", f"{roman(number)}. {item.title}")]
    parts: list[tuple[str, list[Block]]] = [("Tài liệu xem xét", _documents(item))]
    if item.speeches:
        parts.append(("Phát biểu", _speeches(record, item)))
    if item.questions:
        parts.append(("Chất vấn và trả lời chất vấn", _questions(item)))
    written = sum(d.comments for d in item.documents)
    if written:
        share = sum(1 for d in item.documents if d.comments)
        parts.append(
            (
                "Ý kiến bằng văn bản",
                [
                    Block(
                        "p",
                        f"Đại biểu gửi {written} ý kiến bằng văn bản về {share} tài liệu "
                        "(tổng hợp chi tiết tại Phụ lục kèm theo).",
                    )
                ],
            )
        )
    if item.polls:
        parts.append(("Biểu quyết", [block for poll in item.polls for block in _poll(poll)]))
    conclusion = record.conclusions.get(item.key, "") if item.key else ""
    parts.append(("Kết luận của chủ tọa", [Block("note", conclusion or NO_CONCLUSION)]))
    for position, (title, content) in enumerate(parts, start=1):
        blocks.append(Block("h3", f"{position}. {title}"))
        blocks += content
    return blocks


def _documents(item: ItemRecord) -> list[Block]:
    if not item.documents:
        return [Block("item", "Không có tài liệu.")]
    lines = []
    for document in item.documents:
        version = f" (phiên bản {document.version})" if document.version > 1 else ""
        written = (
            f": {document.comments} ý kiến của {document.commenters} đại biểu" if document.comments else ""
        )
        lines.append(Block("item", f"- {document.title}{version}{written}."))
    return lines


def _speeches(record: MinutesRecord, item: ItemRecord) -> list[Block]:
    blocks = []
    for number, speech in enumerate(item.speeches, start=1):
        kind = SPEECH_KINDS.get(speech.kind, "")
        topic = f" về {speech.topic}" if speech.topic else ""
        blocks.append(
            Block(
                "item",
                f"{number}) {speech.speaker}{kind}{topic}, từ {hour(speech.started_at)} đến "
                f"{hour(speech.ended_at)} ({duration(speech.seconds)}).",
            )
        )
        summary = record.summaries.get(speech.key, "") if speech.key else ""
        blocks.append(Block("note", summary or NO_SUMMARY))
    return blocks


def _questions(item: ItemRecord) -> list[Block]:
    blocks = []
    for number, question in enumerate(item.questions, start=1):
        blocks.append(
            Block("item", f"{number}) {question.asker} chất vấn {question.addressee}: {question.question}")
        )
        blocks.append(Block("item", question.answer or "…", "Trả lời: "))
        for commitment in question.commitments:
            due = f" (thời hạn: {commitment.due:%d/%m/%Y})" if commitment.due else ""
            blocks.append(Block("item", f"{commitment.text}{due}.", "Cam kết: "))
    return blocks


def _poll(poll: PollRecord) -> list[Block]:
    # The count line and the named list use the same headings (minutes/record.py).
    counts = "; ".join(
        f"{label if n == 0 else label[0].lower() + label[1:]}: {poll.counts.get(key, 0)}"
        for n, (key, label) in enumerate((*CHOICES.items(), *NO_BALLOT.items()))
    )
    blocks = [
        Block("h4", poll.title),
        Block("p", poll.result_text, "Kết quả: "),
        Block("small", f"{counts} (tổng số đại biểu: {poll.total})."),
    ]
    if poll.secret:
        blocks.append(Block("small", "Bỏ phiếu kín: không công bố danh sách."))
        return blocks
    if poll.named:
        # One heading per line of the counts above, so each name is listed once, where it is counted.
        for choice, label in (*CHOICES.items(), *NO_BALLOT.items(), ("", NO_BALLOT_BEFORE)):
            names = [ballot.name for ballot in poll.named if ballot.choice == choice]
            if names:
                blocks.append(Block("small", f"{label} ({len(names)}): {', '.join(names)}."))
    if poll.digest:
        blocks.append(Block("hash", poll.digest, "Mã kiểm tra danh sách (SHA-256): "))
    return blocks


def signer_names(record: MinutesRecord) -> tuple[str, str]:
    return record.secretary, record.chair
