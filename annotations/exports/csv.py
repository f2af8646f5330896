"""The digest as CSV for Excel: one row per shared comment, reply or note, UTF-8 with a BOM.

Excel runs a cell that starts with = + - @ (or a tab or carriage return) as a formula, so such
cells get a leading apostrophe: a delegate's comment must never become a command on the
secretary's computer (OWASP "CSV injection").
"""

import csv
import io

from annotations.digest import Digest, Entry, iter_entries
from annotations.exports.heading import HIDDEN_TEXT, KIND_LABELS, document_label, entry_author
from core.clock import in_vietnam

COLUMNS = (
    "Nội dung chương trình",
    "Tài liệu",
    "Trang",
    "Đoạn",
    "Trích đoạn",
    "Đại biểu",
    "Thời gian",
    "Loại",
    "Ý kiến",
    "Mã ý kiến",
    "Trả lời ý kiến",
    "Đã ẩn",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def digest_csv(digest: Digest) -> bytes:
    """Rows in the report's order: agenda item, document, document-wide first, then by paragraph."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for item in digest.items:
        for document in item.documents:
            title = document_label(document.title, document.version, document.status)
            groups = [(None, document.general)] + [(p, p.entries) for p in document.paragraphs]
            groups.append((None, document.orphaned))
            for paragraph, entries in groups:
                for entry, _depth in iter_entries(entries):
                    writer.writerow(safe_cell(v) for v in _row(item.title, title, paragraph, entry))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _row(item_title: str, document_title: str, paragraph, entry: Entry) -> tuple:
    return (
        item_title,
        document_title,
        paragraph.page if paragraph else entry.page or "",
        paragraph.name.removeprefix("Đoạn ") if paragraph else "",
        paragraph.text if paragraph else entry.quote,
        entry_author(entry),
        in_vietnam(entry.created_at).strftime("%Y-%m-%d %H:%M"),
        "Trả lời" if entry.reply_to else KIND_LABELS.get(entry.kind, entry.kind),
        HIDDEN_TEXT if entry.hidden else entry.body,
        entry.id,
        entry.reply_to or "",
        "có" if entry.hidden else "không",
    )
