"""The minutes as HTML fragments for storage.pdf.typeset, set like the chair's digest.

Same fonts, margins, sizes and page numbers as the digest (annotations/exports/pdf.py): the
PDF worker lays them out, never the web process. One fragment per block keeps MuPDF's layout
time linear in the length of the minutes.
"""

from html import escape

from annotations.exports.heading import MOTTO, PAGE_NUMBERS, ReportHeading, pdf_date
from annotations.exports.pdf import REPORT_CSS, digest_fragments
from minutes import wording
from minutes.record import MinutesRecord
from storage.pdf.fragments import PAGE_BREAK

MINUTES_CSS = (
    REPORT_CSS
    + """
p.fact { margin: 0 0 3pt 0; text-indent: 1cm; }
p.item { margin: 0 0 3pt 0; text-indent: 1cm; text-align: justify; }
p.note { margin: 0 0 4pt 0; text-indent: 1cm; text-align: justify; font-style: italic; }
p.small { margin: 0 0 3pt 1cm; font-size: 11pt; text-align: justify; }
p.small b { font-size: 11pt; }
p.p { margin: 0 0 4pt 0; text-indent: 1cm; text-align: justify; }
p.hash { margin: 0 0 3pt 1cm; font-size: 11pt; text-align: left; }
p.hash b { font-size: 11pt; }
h1.appendix { margin-top: 0; }
table.sign td.signer { width: 50%; }
.signer-name { font-weight: bold; font-size: 13pt; }
"""
)
TAGS = {"h2": "h2", "h3": "h3", "h4": "h4"}


def properties(record: MinutesRecord) -> dict:
    """The file's own metadata, in PDF and DOCX alike."""
    return {
        "title": f"Biên bản – {record.title}",
        "author": record.council.strip() or "Phòng họp không giấy",
        "subject": f"Biên bản {record.title}",
        "keywords": "biên bản, kỳ họp, HĐND",
        "creator": "Phòng họp không giấy",
        "created": record.generated_at,
    }


def minutes_fragments(record: MinutesRecord, heading: ReportHeading) -> list[str]:
    """The whole minutes, then the digest of written comments as its appendix."""
    fragments = [_heading(record, heading)]
    fragments += [_block(block) for block in wording.body(record)]
    fragments.append(_signatures(record))
    if record.digest is not None and record.digest.items:
        fragments.append(PAGE_BREAK)
        fragments.append(
            "<h1 class='appendix'>PHỤ LỤC</h1><p class='subject'>Tổng hợp ý kiến bằng văn bản của đại biểu"
            f"<br>(kèm theo Biên bản {escape(record.title)})</p><div class='subject-rule'>―――――――――――</div>"
        )
        fragments += digest_fragments(record.digest, heading)[1:-1]  # without its heading and signature
    return fragments


def typeset_request(record: MinutesRecord, heading: ReportHeading) -> dict:
    """What the worker's "typeset" job takes."""
    info = properties(record)
    metadata = {
        **{key: info[key] for key in ("title", "author", "subject", "keywords", "creator")},
        "creationDate": pdf_date(info["created"]),
        "modDate": pdf_date(info["created"]),
    }
    return {
        "fragments": minutes_fragments(record, heading),
        "css": MINUTES_CSS,
        "page_numbers": PAGE_NUMBERS,
        "metadata": metadata,
    }


def _heading(record: MinutesRecord, heading: ReportHeading) -> str:
    # Mẫu 1.9 has no place-and-date line: the minutes carry their own times.
    council = "<br>".join(escape(line) for line in heading.council_lines())
    return (
        "<table class='heading'><tr>"
        f"<td width='38%'><div class='council'>{council}</div>"
        "<div class='rule'>――――――――</div>"
        f"<div class='number'>{escape(wording.number_line(heading.council))}</div></td>"
        f"<td width='62%'><div class='motto'>{MOTTO[0]}</div>"
        f"<div class='motto2'>{MOTTO[1]}</div>"
        "<div class='rule'>―――――――――――――――――――――――</div></td>"
        "</tr></table>"
        f"<h1>{wording.TITLE}</h1><p class='subject'>{escape(record.title)}</p>"
        "<div class='subject-rule'>―――――――――――</div>"
    )


def _block(block: wording.Block) -> str:
    label = f"<b>{escape(block.label)}</b>" if block.label else ""
    text = escape(block.text).replace("\n", "<br>")
    tag = TAGS.get(block.style)
    if tag:
        return f"<{tag}>{label}{text}</{tag}>"
    return f"<p class='{block.style}'>{label}{text}</p>"


def _signatures(record: MinutesRecord) -> str:
    names = wording.signer_names(record)
    cells = "".join(
        f"<td class='signer'><span class='signer-title'>{title}</span><br><i>(Ký, ghi rõ họ tên)</i>"
        f"<br><br><br><br><span class='signer-name'>{escape(name)}</span></td>"
        for (title, _role), name in zip(wording.SIGNERS, names, strict=True)
    )
    recipients = "<br>".join(escape(line) for line in wording.RECIPIENTS)
    return (
        f"<table class='sign'><tr>{cells}</tr></table>"
        f"<p class='small' style='margin:18pt 0 0 0'><b><i>Nơi nhận:</i></b><br>{recipients}</p>"
    )
