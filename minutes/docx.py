"""The minutes as a Word document: the same blocks as the PDF, in named styles.

Page set-up, styles and the digest appendix come from the digest's Word export
(annotations/exports/docx.py), so both papers look alike and follow one fix.
"""

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from annotations.exports import docx as digest_docx
from annotations.exports.docx import _centred, _page_setup, _paragraph_style, _Report, _styles, _widths
from annotations.exports.heading import MOTTO, ReportHeading, roman
from minutes import wording
from minutes.pdf import properties
from minutes.record import MinutesRecord

STYLES = {
    "h2": "Heading 1",
    "h3": "Heading 2",
    "h4": "Heading 3",
    "fact": "Minutes Fact",
    "p": "Minutes Item",
    "item": "Minutes Item",
    "note": "Minutes Note",
    "small": "Minutes Small",
    "hash": "Minutes Hash",
}
MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def minutes_docx(record: MinutesRecord, heading: ReportHeading) -> bytes:
    document = Document()
    _page_setup(document)
    _styles(document)
    styles = document.styles
    _paragraph_style(styles, "Minutes Fact", size=13)
    _paragraph_style(styles, "Minutes Item", size=13, justify=True)
    _paragraph_style(styles, "Minutes Note", size=13, italic=True, justify=True)
    _paragraph_style(styles, "Minutes Small", size=11, indent=1.0, justify=True)
    _paragraph_style(styles, "Minutes Hash", size=11, indent=1.0)
    for name in ("Minutes Fact", "Minutes Item", "Minutes Note"):
        styles[name].paragraph_format.first_line_indent = Cm(1)
        styles[name].paragraph_format.space_after = Pt(3)
    report = _Report(document)
    _heading(report, record, heading)
    for block in wording.body(record):
        paragraph = report.paragraph(style=STYLES[block.style])
        if block.label:
            paragraph.add_run(block.label).bold = True
        if block.text:
            paragraph.add_run(block.text)
    _signatures(report, record)
    if record.digest is not None and record.digest.items:
        _appendix(report, record)
    _properties(document, properties(record))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _heading(report: _Report, record: MinutesRecord, heading: ReportHeading) -> None:
    table = report.table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, [Cm(6.3), Cm(10.2)])
    left, right = table.rows[0].cells
    _centred(
        left,
        [(line, True, False, 13) for line in heading.council_lines()]
        + [("―――――", False, False, 8), (wording.number_line(heading.council), False, False, 13)],
    )
    _centred(
        right, [(MOTTO[0], True, False, 12), (MOTTO[1], True, False, 13), ("――――――――――", False, False, 8)]
    )
    for text, before in ((wording.TITLE, 18), (record.title, 0)):
        line = report.paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        line.paragraph_format.space_before = Pt(before)
        line.paragraph_format.space_after = Pt(0)
        run = line.add_run(text)
        run.bold, run.font.size = True, Pt(14)
    rule = report.paragraph()
    rule.alignment = WD_ALIGN_PARAGRAPH.CENTER
    rule.paragraph_format.space_after = Pt(10)
    rule.add_run("――――――").font.size = Pt(8)


def _signatures(report: _Report, record: MinutesRecord) -> None:
    report.paragraph()
    table = report.table(rows=1, cols=2)
    for cell, (title, _role), name in zip(
        table.rows[0].cells, wording.SIGNERS, wording.signer_names(record), strict=True
    ):
        _centred(
            cell,
            [(title, True, False, 13), ("(Ký, ghi rõ họ tên)", False, True, 13)]
            + [("", False, False, 13)] * 3
            + [(name, True, False, 13)],
        )
    receivers = report.paragraph()
    receivers.paragraph_format.space_before = Pt(18)
    receivers.paragraph_format.space_after = Pt(0)
    run = receivers.add_run("Nơi nhận:")
    run.bold = run.italic = True
    run.font.size = Pt(12)
    for line in wording.RECIPIENTS:
        paragraph = report.paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.add_run(line).font.size = Pt(11)


def _appendix(report: _Report, record: MinutesRecord) -> None:
    digest = record.digest
    title = report.paragraph()
    title.add_run().add_break(WD_BREAK.PAGE)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("PHỤ LỤC")
    run.bold, run.font.size = True, Pt(14)
    for line in ("Tổng hợp ý kiến bằng văn bản của đại biểu", f"(kèm theo Biên bản {record.title})"):
        subject = report.paragraph()
        subject.alignment = WD_ALIGN_PARAGRAPH.CENTER
        subject.add_run(line).bold = True
    for number, item in enumerate(digest.items, start=1):
        report.paragraph(f"{roman(number)}. {item.title}", "Heading 1")
        if not item.documents:
            report.paragraph("Không có tài liệu.", "Digest None")
        for position, document in enumerate(item.documents, start=1):
            digest_docx._document(report, position, document)
    digest_docx._summary(report, digest)


def _properties(document, info: dict) -> None:
    core = document.core_properties
    core.title = info["title"]
    core.author = core.last_modified_by = info["author"]
    core.subject = info["subject"]
    core.keywords = info["keywords"]
    core.comments = f"Lập bằng {info['creator']}"
    core.category = "Biên bản"
    core.created = core.modified = info["created"]
    printed = core._element.find(qn("cp:lastPrinted"))  # the template's, from 2013
    if printed is not None:
        core._element.remove(printed)
    core.revision = 1
