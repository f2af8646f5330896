"""The digest as a Word document the secretary edits into the official report.

Same content and order as the PDF. Formatting lives in named styles (not on each run), so the
secretary restyles the whole report in one place, and 5,000 comments build in seconds. The text
is marked Vietnamese (vi-VN), so Word checks its spelling as Vietnamese; headings keep with what
follows them; table rows never split and the header row repeats on each page; nothing of
python-docx's template (its app.xml, its thumbnail) is left in the file.
"""

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from annotations.digest import Digest, DocumentDigest, Entry, iter_entries
from annotations.exports.heading import (
    MOTTO,
    ORPHANED,
    SUBJECT,
    TITLE,
    ReportHeading,
    clock,
    document_counts,
    document_label,
    entry_author,
    entry_label,
    entry_lines,
    meeting_lines,
    paragraph_counts,
    paragraph_title,
    report_properties,
    roman,
)

FONT = "Times New Roman"
GREY = RGBColor(0x33, 0x33, 0x33)
LANGUAGE = "vi-VN"
# Nghị định 30: at least 6 pt between paragraphs.
SPACE_AFTER_PT = 6
# The rules under the issuing body (a third of its name) and under the motto (as long as it, 159
# pt at 13 pt bold): runs of U+2015, 8 pt wide each at 8 pt.
COUNCIL_RULE = "―" * 6
MOTTO_RULE = "―" * 20
APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Phòng họp không giấy</Application><DocSecurity>0</DocSecurity></Properties>"
)
INDENT_CM = 0.6
MAX_DEPTH_INDENT = 3
DOCUMENT_COLUMNS = ("TT", "Tài liệu", "Ý kiến", "Trả lời", "Ghi chú", "Đánh dấu", "Đã ẩn", "Số người")
DELEGATE_COLUMNS = ("TT", "Đại biểu", "Ý kiến", "Trả lời", "Ghi chú", "Đánh dấu", "Số tài liệu")


def digest_docx(digest: Digest, heading: ReportHeading) -> bytes:
    document = Document()
    _page_setup(document)
    _styles(document)
    report = _Report(document)
    _heading(report, digest, heading)
    for number, item in enumerate(digest.items, start=1):
        report.paragraph(f"{roman(number)}. {item.title}", "Heading 1")
        if not item.documents:
            report.paragraph("Không có tài liệu.", "Digest None")
        for position, doc in enumerate(item.documents, start=1):
            _document(report, position, doc)
    _summary(report, digest)
    _signature(report, digest.secretary)
    _properties(document, report_properties(digest, heading))
    _language(document)
    _without_template_parts(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


class _Report:
    """Appends paragraphs in constant time each; python-docx's add_paragraph rescans the whole body."""

    def __init__(self, document):
        self.document = document
        self._end = document.element.body.sectPr  # the section's properties stay the body's last child
        self._style_ids = {}

    def paragraph(self, text: str = "", style: str | None = None) -> Paragraph:
        element = OxmlElement("w:p")
        self._end.addprevious(element)
        paragraph = Paragraph(element, self.document._body)
        if style is not None:
            if style not in self._style_ids:
                self._style_ids[style] = self.document.styles[style].style_id
            element.style = self._style_ids[style]
        if text:
            run_with_text(paragraph, text)
        return paragraph

    def table(self, rows: int, cols: int):
        return self.document.add_table(rows=rows, cols=cols)


def run_with_text(paragraph: Paragraph, text: str):
    """A run holding `text`; plain text skips python-docx's character-by-character tab and break scan."""
    run = paragraph.add_run()
    if "\n" in text or "\t" in text or "\r" in text:
        run.text = text
    else:
        run._r.add_t(text)
    return run


def _properties(document, properties: dict) -> None:
    """The report's own metadata, instead of python-docx's template (author "python-docx", 2013)."""
    core = document.core_properties
    core.title = properties["title"]
    core.author = core.last_modified_by = properties["author"]
    core.subject = properties["subject"]
    core.keywords = properties["keywords"]
    core.comments = f"Lập bằng {properties['creator']}"
    core.category = "Báo cáo"
    core.created = core.modified = properties["created"]
    printed = core._element.find(qn("cp:lastPrinted"))  # the template's, from 2013
    if printed is not None:
        core._element.remove(printed)
    core.revision = 1


def _language(document) -> None:
    """Vietnamese for every run (python-docx's template says en-US, and Word then marks every
    Vietnamese word misspelt), and for the theme's fonts."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = run_defaults.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_defaults.append(lang)
    for attribute in ("w:val", "w:eastAsia"):
        lang.set(qn(attribute), LANGUAGE)
    theme_lang = document.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        for attribute in ("w:val", "w:eastAsia"):
            theme_lang.set(qn(attribute), LANGUAGE)


def _without_template_parts(document) -> None:
    """No thumbnail of python-docx's template page, and an app.xml of our own (the template's
    names "Microsoft Macintosh Word" and Normal.dotm, with zero pages and words)."""
    package = document.part.package
    for r_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[r_id]
        elif rel.reltype == RT.EXTENDED_PROPERTIES:
            rel._target = Part(
                PackURI("/docProps/app.xml"),
                "application/vnd.openxmlformats-officedocument.extended-properties+xml",
                APP_XML.encode(),
                package,
            )


def _page_setup(document) -> None:
    """A4 with the decree's margins; the page number a live Word field at the top centre,
    13 pt, not on the first page (Nghị định 30/2020/NĐ-CP)."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.header_distance = Cm(1)
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(header, "PAGE")
    header.runs[-1].font.size = Pt(13)


def _field(paragraph, instruction: str) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("end", None)):
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
        if kind == "separate":
            placeholder = OxmlElement("w:t")
            placeholder.text = "1"
            run._r.append(placeholder)


def _styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(SPACE_AFTER_PT)
    for name, size in (("Heading 1", 13), ("Heading 2", 13), ("Heading 3", 13)):
        style = styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            style.element.rPr.rFonts.attrib.pop(qn(theme), None)  # the theme font would win over FONT
        style.paragraph_format.space_before = Pt(12 if name == "Heading 1" else 6)
        style.paragraph_format.space_after = Pt(SPACE_AFTER_PT)
        style.paragraph_format.keep_with_next = True
    # The quote stays with the first comment under it, and an author line with its words.
    _paragraph_style(styles, "Digest Quote", size=13, italic=True, indent=INDENT_CM, justify=True, keep=True)
    # The author line is the caption of the words under it: no space between them, 6 pt between entries.
    _paragraph_style(styles, "Digest Meta", size=11, color=GREY, indent=INDENT_CM, keep=True, space_after=0)
    _paragraph_style(styles, "Digest Entry", size=13, indent=INDENT_CM, justify=True)
    _paragraph_style(styles, "Digest None", size=13, italic=True, color=GREY, indent=INDENT_CM)


def _paragraph_style(
    styles,
    name,
    *,
    size,
    italic=False,
    color=None,
    indent=0.0,
    justify=False,
    space_before=0,
    space_after=SPACE_AFTER_PT,
    keep=False,
):
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles["Normal"]
    style.font.size = Pt(size)
    style.font.italic = italic
    if color is not None:
        style.font.color.rgb = color
    style.paragraph_format.left_indent = Cm(indent)
    style.paragraph_format.space_before = Pt(space_before)
    style.paragraph_format.space_after = Pt(space_after)
    style.paragraph_format.keep_with_next = keep
    if justify:
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    return style


def _centred(cell, lines: list[tuple[str, bool, bool, int]]) -> None:
    """Fill a header cell with centred lines of (text, bold, italic, size)."""
    paragraph = cell.paragraphs[0]
    for index, (text, bold, italic, size) in enumerate(lines):
        if index:
            paragraph = cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)


def _heading(report: _Report, digest: Digest, heading: ReportHeading) -> None:
    table = report.table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, [Cm(6.3), Cm(10.2)])
    left, right = table.rows[0].cells
    _centred(
        left,
        [(line, True, False, 13) for line in heading.council_lines()]
        + [(COUNCIL_RULE, False, False, 8), (heading.number_line(), False, False, 13)],
    )
    _centred(
        right,
        [
            (MOTTO[0], True, False, 12),
            (MOTTO[1], True, False, 13),
            (MOTTO_RULE, False, False, 8),
            (heading.date_line(digest.generated_at), False, True, 13),
        ],
    )
    title = report.paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(18)
    title.paragraph_format.space_after = Pt(12)
    title.paragraph_format.space_after = Pt(0)
    run = title.add_run(TITLE)
    run.bold, run.font.size = True, Pt(14)
    for line in (SUBJECT, digest.title):  # paragraphs, not breaks: see _entries
        subject = report.paragraph()
        subject.alignment = WD_ALIGN_PARAGRAPH.CENTER
        subject.paragraph_format.space_after = Pt(0)
        run = subject.add_run(line)
        run.bold, run.font.size = True, Pt(14)
    rule = report.paragraph()
    rule.alignment = WD_ALIGN_PARAGRAPH.CENTER
    rule.paragraph_format.space_after = Pt(10)
    rule.add_run("――――――").font.size = Pt(8)
    for label, value in meeting_lines(digest, titled=True):
        line = report.paragraph()
        line.add_run(f"{label}: ").bold = True
        line.add_run(value)


def _document(report: _Report, position: int, doc: DocumentDigest) -> None:
    report.paragraph(f"{position}. {document_label(doc.title, doc.version, doc.status)}", "Heading 2")
    report.paragraph(document_counts(doc), "Digest Meta")
    if doc.general:
        report.paragraph("Ý kiến chung về tài liệu", "Heading 3")
        _entries(report, doc.general)
    for paragraph in doc.paragraphs:
        report.paragraph(f"{paragraph_title(paragraph)} ({paragraph_counts(paragraph)})", "Heading 3")
        report.paragraph(f"“{paragraph.text}”", "Digest Quote")
        _entries(report, paragraph.entries)
    if doc.orphaned:
        report.paragraph(ORPHANED, "Heading 3")
        _entries(report, doc.orphaned)
    if not doc.general and not doc.paragraphs and not doc.orphaned:
        report.paragraph("Chưa có ý kiến.", "Digest None")


def _entries(report: _Report, entries: list[Entry]) -> None:
    for entry, depth in iter_entries(entries):
        indent = Cm(INDENT_CM * (1 + min(depth, MAX_DEPTH_INDENT)))
        meta = report.paragraph(style="Digest Meta")
        run_with_text(meta, entry_author(entry)).bold = True
        label = entry_label(entry, depth)
        run_with_text(meta, f" · {clock(entry.created_at)}" + (f" · {label}" if label else ""))
        if depth:
            meta.paragraph_format.left_indent = indent
        for line in entry_lines(entry):  # a paragraph per line: a line break would be justified
            body = report.paragraph(style="Digest Entry")
            run = run_with_text(body, line)
            if entry.hidden:  # black like the body: the decree's text is black
                run.italic = True
            if depth:
                body.paragraph_format.left_indent = indent


def _widths(table, widths: list) -> None:
    """Fixed column widths; Word otherwise shares the page equally between the columns."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _table(report: _Report, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """A count table: number, name (the wide column), then the counts."""
    table = report.table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    number_cm, name_cm = 1.0, 16.5 - 1.0 - 1.8 * (len(columns) - 2)
    widths = [Cm(number_cm), Cm(name_cm), *[Cm(1.8)] * (len(columns) - 2)]
    for cell, text in zip(table.rows[0].cells, columns, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _row_flags(table.rows[0], "w:tblHeader")  # repeated at the top of each page
    for row in rows:
        cells = table.add_row().cells
        for index, (cell, value) in enumerate(zip(cells, row, strict=True)):
            cell.text = str(value)
            if index != 1:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in table.rows:
        _row_flags(row, "w:cantSplit")  # a row stays on one page
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_after = Pt(0)
                for run in paragraph.runs:
                    run.font.size = Pt(11)
    _widths(table, widths)


def _row_flags(row, flag: str) -> None:
    properties = row._tr.get_or_add_trPr()
    if properties.find(qn(flag)) is None:
        properties.append(OxmlElement(flag))


def _summary(report: _Report, digest: Digest) -> None:
    report.paragraph(f"{roman(len(digest.items) + 1)}. TỔNG HỢP SỐ LIỆU", "Heading 1")
    report.paragraph("1. Theo tài liệu", "Heading 2")
    _table(
        report,
        DOCUMENT_COLUMNS,
        [
            (
                n,
                document_label(d.title, d.version, d.status),
                d.comments,
                d.replies,
                d.notes,
                d.highlights,
                d.hidden,
                d.participants,
            )
            for n, d in enumerate(digest.documents(), start=1)
        ],
    )
    report.paragraph("2. Theo đại biểu", "Heading 2")
    _table(
        report,
        DELEGATE_COLUMNS,
        [
            (n, c.name, c.comments, c.replies, c.notes, c.highlights, c.documents)
            for n, c in enumerate(digest.delegates, start=1)
        ],
    )


def _signature(report: _Report, secretary: str) -> None:
    report.paragraph().paragraph_format.keep_with_next = True
    table = report.table(rows=1, cols=2)
    _row_flags(table.rows[0], "w:cantSplit")  # the signature block is never cut in two
    left, right = table.rows[0].cells
    receivers = left.paragraphs[0]
    heading = receivers.add_run("Nơi nhận:")
    heading.bold = heading.italic = True
    heading.font.size = Pt(12)
    for line in ("- Chủ tọa kỳ họp;", "- Thường trực HĐND;", "- Lưu: VT."):
        left.add_paragraph(line).runs[0].font.size = Pt(11)
    signer = [("THƯ KÝ KỲ HỌP", True, False, 13), ("(Ký, ghi rõ họ tên)", False, True, 13)]
    if secretary:  # room to sign, then the name
        signer += [("", False, False, 13)] * 3 + [(secretary, True, False, 13)]
    _centred(right, signer)
