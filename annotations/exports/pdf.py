"""The digest as HTML fragments for storage.pdf.typeset: one fragment per paragraph's thread.

Fragments keep MuPDF's layout time linear (see typeset.py); the worker flows them onto A4 pages.
Headings carry ids starting "keep", and what follows them an id, so that the typesetter never
leaves a heading alone at the foot of a page; the count tables are typeset.table_fragment
tables, whose header row is repeated on each page they run onto.
"""

from html import escape

from annotations.digest import Digest, DocumentDigest, Entry, ParagraphDigest, iter_entries
from annotations.exports.heading import (
    MOTTO,
    ORPHANED,
    PAGE_NUMBERS,
    SUBJECT,
    TITLE,
    ReportHeading,
    clock,
    document_counts,
    document_label,
    entry_author,
    entry_label,
    entry_lines,
    entry_text,
    meeting_lines,
    paragraph_counts,
    paragraph_title,
    pdf_date,
    report_properties,
    roman,
)
from storage.pdf.fragments import TABLE_MARK, table_fragment

# Entries per fragment: a paragraph with hundreds of comments is still laid out in slices.
ENTRIES_PER_FRAGMENT = 25
MAX_DEPTH_INDENT = 3
DOCUMENT_COLUMNS = ("Ý kiến", "Trả lời", "Ghi chú", "Đánh dấu", "Đã ẩn", "Số người")
DELEGATE_COLUMNS = ("Ý kiến", "Trả lời", "Ghi chú", "Đánh dấu", "Số tài liệu")
# Fixed column widths (pt, inside the cells' 4 pt side padding and 0.6 pt rules), so that the
# pieces of a table split over pages line up.
TEXT_WIDTH_PT = 466.0  # the A4 text width is 467.7 pt; the outer rules take the rest
CELL_EXTRA_PT = 8.6
NUMBER_PT = 22.0
COUNT_PT = 38.0

# Nghị định 30/2020/NĐ-CP, Phụ lục I: Times New Roman (here its metric twin, see typeset.py),
# black; issuing body 13 pt bold; national name 12–13 pt bold caps; motto 13–14 pt bold; date
# line 13–14 pt italic; kind of paper 13–14 pt bold caps, its subject 13–14 pt bold; body 13–14
# pt, single to 1.5 line spacing, at least 6 pt between paragraphs; "Nơi nhận" 12 pt bold
# italic, its list 11 pt. Quotes and comments stay at 13 pt: they are the report's body.
REPORT_CSS = """
* { font-family: times; font-size: 13pt; line-height: 1.25; color: #000000; }
body { margin: 0; }
table.heading { width: 100%; border-collapse: collapse; }
table.heading td { border: none; padding: 0; text-align: center; vertical-align: top; }
.council { font-weight: bold; font-size: 13pt; line-height: 1.15; }
.motto { font-weight: bold; font-size: 12pt; line-height: 1.15; }
.motto2 { font-weight: bold; font-size: 13pt; line-height: 1.15; }
.rule { font-size: 7pt; line-height: 0.9; margin: 0 0 6pt 0; }
.number { font-size: 13pt; }
.dateline { font-style: italic; font-size: 13pt; }
h1 { font-size: 14pt; font-weight: bold; text-align: center; margin: 18pt 0 0 0; }
.subject { font-size: 14pt; font-weight: bold; text-align: center; margin: 0; }
.subject-rule { font-size: 7pt; text-align: center; line-height: 0.9; margin: 0 0 10pt 0; }
p { margin: 0 0 6pt 0; text-align: justify; }
p.fact { margin: 0 0 2pt 0; text-indent: 1cm; }
h2 { font-size: 13pt; font-weight: bold; margin: 12pt 0 6pt 0; }
h3 { font-size: 13pt; font-weight: bold; margin: 10pt 0 4pt 0; }
h4 { font-size: 13pt; font-weight: bold; font-style: italic; margin: 8pt 0 3pt 0; }
.quote { font-style: italic; margin: 0 0 4pt 1cm; padding: 0 0 0 6pt; text-align: justify; }
.entry { margin: 0 0 2pt 1cm; }
.meta { font-size: 11pt; color: #333333; margin: 4pt 0 0 1cm; }
.meta b { color: #000000; }
h4 .meta { font-style: normal; font-weight: normal; margin: 0; }
.hidden { color: #000000; font-style: italic; }
.none { font-style: italic; color: #333333; margin-left: 1cm; }
table.counts { width: 100%; border-collapse: collapse; margin: 4pt 0 8pt 0; }
table.counts td, table.counts th { border: 0.6pt solid #000000; padding: 2pt 4pt; font-size: 12pt;
         vertical-align: top; }
table.counts th { font-weight: bold; text-align: center; font-size: 11pt; }
td.n { text-align: right; }
table.sign { width: 100%; margin-top: 18pt; }
table.sign td { border: none; vertical-align: top; }
td.recipients { font-size: 11pt; width: 50%; }
td.recipients b { font-size: 12pt; }
td.signer { text-align: center; font-size: 13pt; width: 50%; }
.signer-title { font-weight: bold; font-size: 13pt; }
.signer-name { font-weight: bold; font-size: 13pt; }
"""


def digest_fragments(digest: Digest, heading: ReportHeading) -> list[str]:
    """The whole report as HTML fragments, in reading order."""
    fragments = [_heading(digest, heading)]
    for number, item in enumerate(digest.items, start=1):
        fragments.append(f"<h2 id='keep-i{number}'>{roman(number)}. {escape(item.title)}</h2>")
        if not item.documents:
            fragments.append(f"<p class='none' id='none-i{number}'>Không có tài liệu.</p>")
        for position, document in enumerate(item.documents, start=1):
            fragments.extend(_document(position, document))
    fragments.extend(_summary(digest))
    fragments.append(_signature(digest.secretary))
    return _headings_joined(fragments)


def _headings_joined(fragments: list[str]) -> list[str]:
    """A fragment that is only a heading joins the next one, so that the typesetter, which keeps a
    heading with what follows it inside one fragment, never leaves it alone at a page's foot."""
    out: list[str] = []
    waiting = ""
    for fragment in fragments:
        if fragment.startswith("<h") and fragment.endswith(("</h2>", "</h3>", "</h4>")):
            waiting += fragment
            continue
        if waiting and fragment.startswith(TABLE_MARK):
            fragment = TABLE_MARK + waiting + fragment.removeprefix(TABLE_MARK)
        elif waiting:
            fragment = waiting + fragment
        out.append(fragment)
        waiting = ""
    return out + ([waiting] if waiting else [])


def typeset_request(digest: Digest, heading: ReportHeading) -> dict:
    """What the worker's "typeset" job takes: fragments, the report's CSS and the page footer."""
    properties = report_properties(digest, heading)
    metadata = {
        "title": properties["title"],
        "author": properties["author"],
        "subject": properties["subject"],
        "keywords": properties["keywords"],
        "creator": properties["creator"],
        "creationDate": pdf_date(properties["created"]),
        "modDate": pdf_date(properties["created"]),
    }
    return {
        "fragments": digest_fragments(digest, heading),
        "css": REPORT_CSS,
        "page_numbers": PAGE_NUMBERS,
        "metadata": {**metadata, "language": "vi-VN"},
    }


def _heading(digest: Digest, heading: ReportHeading) -> str:
    council = "<br>".join(escape(line) for line in heading.council_lines())
    facts = "".join(
        f"<p class='fact'><b>{escape(label)}:</b> {escape(value)}</p>"
        for label, value in meeting_lines(digest, titled=True)
    )
    # The rules under the issuing body (a third of its name) and under the motto (as long as
    # it) are runs of U+2015 at 7 pt, about 7 pt each in this serif.
    return (
        "<table class='heading'><tr>"
        f"<td width='38%'><div class='council'>{council}</div>"
        "<div class='rule'>――――――――</div>"
        f"<div class='number'>{escape(heading.number_line())}</div></td>"
        f"<td width='62%'><div class='motto'>{MOTTO[0]}</div>"
        f"<div class='motto2'>{MOTTO[1]}</div>"
        "<div class='rule'>―――――――――――――――――――――――</div>"
        f"<div class='dateline'>{escape(heading.date_line(digest.generated_at))}</div></td>"
        "</tr></table>"
        f"<h1>{TITLE}</h1><p class='subject'>{SUBJECT}<br>{escape(digest.title)}</p>"
        "<div class='subject-rule'>―――――――――――</div>"
        f"{facts}"
    )


def _document(position: int, document: DocumentDigest) -> list[str]:
    label = escape(document_label(document.title, document.version, document.status))
    counts = document_counts(document)
    head = f"<h3 id='keep-d{document.id}'>{position}. {label}</h3>"
    fragments = [f"{head}<p class='meta' id='m{document.id}'>{counts}</p>"]
    if document.general:
        fragments.append(f"<h4 id='keep-g{document.id}'>Ý kiến chung về tài liệu</h4>")
        fragments.extend(_entries(document.general))
    for paragraph in document.paragraphs:
        fragments.extend(_paragraph(paragraph))
    if document.orphaned:
        fragments.append(f"<h4 id='keep-o{document.id}'>{ORPHANED}</h4>")
        fragments.extend(_entries(document.orphaned))
    if not document.general and not document.paragraphs and not document.orphaned:
        fragments.append(f"<p class='none' id='none-d{document.id}'>Chưa có ý kiến.</p>")
    return fragments


def _paragraph(paragraph: ParagraphDigest) -> list[str]:
    head = (
        f"<h4 id='keep-p{paragraph.id}'>{escape(paragraph_title(paragraph))} "
        f"<span class='meta'>({escape(paragraph_counts(paragraph))})</span></h4>"
        f"<div class='quote' id='q{paragraph.id}'>“{_text(paragraph.text)}”</div>"
    )
    slices = _entries(paragraph.entries)
    return [head + slices[0], *slices[1:]] if slices else [head]


def _entries(entries: list[Entry]) -> list[str]:
    rows = [_entry(entry, depth) for entry, depth in iter_entries(entries)]
    return ["".join(rows[i : i + ENTRIES_PER_FRAGMENT]) for i in range(0, len(rows), ENTRIES_PER_FRAGMENT)]


def _entry(entry: Entry, depth: int) -> str:
    indent = 14 + 18 * min(depth, MAX_DEPTH_INDENT)
    label = entry_label(entry, depth)
    kind = f" · {escape(label)}" if label else ""
    opening = f"<p class='entry' style='margin-left:{indent}pt'>"
    if entry.hidden:
        lines = f"{opening}<span class='hidden'>{escape(entry_text(entry))}</span></p>"
    else:
        lines = "".join(f"{opening}{escape(line) or '&nbsp;'}</p>" for line in entry_lines(entry))
    author = escape(entry_author(entry))
    return (
        f"<p class='meta' id='e{entry.id}' style='margin-left:{indent}pt'><b>{author}</b>"
        f" · {clock(entry.created_at)}{kind}</p>{lines}"
    )


def _summary(digest: Digest) -> list[str]:
    documents = [
        (document_label(d.title, d.version, d.status), d.comments, d.replies, d.notes, d.highlights, d.hidden,
         d.participants)
        for d in digest.documents()
    ]  # fmt: skip
    people = [(c.name, c.comments, c.replies, c.notes, c.highlights, c.documents) for c in digest.delegates]
    return [
        f"<h2 id='keep-sum'>{roman(len(digest.items) + 1)}. TỔNG HỢP SỐ LIỆU</h2>",
        _table("Tài liệu", DOCUMENT_COLUMNS, documents, "<h3 id='keep-t1'>1. Theo tài liệu</h3>"),
        _table("Đại biểu", DELEGATE_COLUMNS, people, "<h3 id='keep-t2'>2. Theo đại biểu</h3>"),
    ]


def _table(label: str, columns: tuple[str, ...], rows: list[tuple], heading: str) -> str:
    """A count table: a numbered name column, then right-aligned numbers, its header row repeated
    on every page it runs onto, and no row split between two pages."""
    name_pt = TEXT_WIDTH_PT - NUMBER_PT - COUNT_PT * len(columns) - CELL_EXTRA_PT * (len(columns) + 2)
    widths = [NUMBER_PT, name_pt, *[COUNT_PT] * len(columns)]
    style = [f" style='width:{width:.1f}pt'" for width in widths]
    head = (
        "<tr>"
        + "".join(f"<th{w}>{c}</th>" for w, c in zip(style, ("TT", label, *columns), strict=True))
        + "</tr>"
    )
    body = [
        f"<tr><td class='n'{style[0]}>{n}</td><td{style[1]}>{escape(name)}</td>"
        + "".join(f"<td class='n'{w}>{value}</td>" for w, value in zip(style[2:], values, strict=True))
        + "</tr>"
        for n, (name, *values) in enumerate(rows, start=1)
    ]
    empty = [f"<tr><td{style[0]}></td><td colspan='{len(columns) + 1}'>Chưa có.</td></tr>"]
    return table_fragment(body or empty, head, "<table class='counts'>", heading)


def _signature(secretary: str) -> str:
    """Nơi nhận, and the secretary's block: title, the signing note, room to sign, the name."""
    name = f"<br><br><br><br><span class='signer-name'>{escape(secretary)}</span>" if secretary else ""
    return (
        "<table class='sign' id='sign'><tr>"
        "<td class='recipients'><b><i>Nơi nhận:</i></b><br>- Chủ tọa kỳ họp;<br>- Thường trực HĐND;"
        "<br>- Lưu: VT.</td>"
        "<td class='signer'><span class='signer-title'>THƯ KÝ KỲ HỌP</span><br>"
        f"<i>(Ký, ghi rõ họ tên)</i>{name}</td>"
        "</tr></table>"
    )


def _text(value: str) -> str:
    return escape(value).replace("\n", "<br>")
