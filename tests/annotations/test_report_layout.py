"""The digest as printed: headings kept with what follows, count tables whose header row repeats
and whose rows never split, Vietnamese marked as Vietnamese, black text and a signed name.
Read with outside tools: pypdf, pdftotext, python-docx, and LibreOffice for the Word file."""

import io
import re
import subprocess
import zipfile

import docx
import pymupdf
import pypdf
import pytest

from core.extensions import db
from councils.models import CouncilMember
from documents.models import Paragraph
from meetings.models import Membership, Role

DELEGATES = 70  # a district council: its per-delegate table runs over a page


@pytest.fixture
def busy(app, meeting, people, document, create_user, create_annotation):
    """Seventy delegates, each with a comment, and a comment on every body paragraph."""
    paragraphs = (
        Paragraph.query.filter_by(document_id=document.id, kind="body").order_by(Paragraph.number).all()
    )
    for n in range(DELEGATES):
        user = create_user(f"db{n:02d}", full_name=f"Đại biểu số {n:02d}")
        meeting.memberships.append(Membership(user_id=user.id, role=Role.DELEGATE))
        meeting.council.roster.append(CouncilMember(user_id=user.id))
        db.session.commit()
        paragraph = paragraphs[n % len(paragraphs)]
        create_annotation(
            user, document, paragraph=paragraph, body=f"Ý kiến của đại biểu số {n:02d}. " * (1 + n % 3)
        )
    return create_annotation(
        people["daibieu1"], document, paragraph=paragraphs[0], body="Lời lẽ", hidden=True
    )


def _pdf(api, meeting) -> bytes:
    return api("chutoa").get(f"/api/meetings/{meeting.id}/digest.pdf").data


def _lines(page) -> list[str]:
    """A page's text lines, top to bottom, as pdftotext would read them."""
    words = sorted(page.get_text("words"), key=lambda w: (round(w[3]), w[0]))
    lines: list[list] = []
    for word in words:
        if lines and abs(lines[-1][0][3] - word[3]) < 2:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [" ".join(w[4] for w in sorted(line, key=lambda w: w[0])) for line in lines]


HEADINGS = re.compile(r"^(Trang \d+ – |[IVX]+\. |\d+\. Theo |Ý kiến chung về tài liệu)")


def test_no_page_of_the_pdf_ends_on_a_heading_and_every_table_page_starts_with_its_header(api, meeting, busy):
    with pymupdf.open("pdf", _pdf(api, meeting)) as pdf:
        pages = [_lines(page) for page in pdf]
        assert len(pages) >= 4
        for number, lines in enumerate(pages[:-1], start=1):
            assert not HEADINGS.match(lines[-1]), (number, lines[-1])
        table_pages = [
            n for n, lines in enumerate(pages) if any(re.match(r"^\d+ Đại biểu số \d\d", x) for x in lines)
        ]
        assert len(table_pages) >= 2
        for n in table_pages:
            header = next(i for i, line in enumerate(pages[n]) if line.startswith("TT "))
            first_row = next(i for i, line in enumerate(pages[n]) if re.match(r"^\d+ Đại biểu số \d\d", line))
            assert header < first_row, n
        # each row whole on one page: its number, the name and five counts on one line
        rows = [line for n in table_pages for line in pages[n] if re.match(r"^\d+ Đại biểu số \d\d", line)]
        assert len(rows) == DELEGATES
        assert all(re.fullmatch(r"\d+ Đại biểu số \d\d( \d+){5}", row) for row in rows), rows[:3]


def test_the_pdf_is_marked_vietnamese_signed_by_name_and_has_no_red_or_grey(api, meeting, busy, tmp_path):
    body = _pdf(api, meeting)
    reader = pypdf.PdfReader(io.BytesIO(body))
    assert reader.trailer["/Root"]["/Lang"] == "vi-VN"
    with pymupdf.open("pdf", body) as pdf:
        text = " ".join(" ".join(page.get_text().split()) for page in pdf)
        colours = {span["color"] for page in pdf for block in page.get_text("dict")["blocks"]
                   for line in block.get("lines", []) for span in line["spans"]}  # fmt: skip
        fills = {tuple(d["fill"]) for page in pdf for d in page.get_drawings() if d.get("fill")}
    assert "THƯ KÝ KỲ HỌP (Ký, ghi rõ họ tên) Thuky" in text
    assert colours <= {0x000000, 0x333333}  # black text; grey only for the small "who and when" lines
    assert fills <= {(0.0, 0.0, 0.0)}  # no shaded band behind quotes


def _docx(api, meeting) -> bytes:
    return api("chutoa").get(f"/api/meetings/{meeting.id}/digest.docx").data


def test_the_word_file_is_vietnamese_and_carries_nothing_of_the_template(api, meeting, busy):
    body = _docx(api, meeting)
    with zipfile.ZipFile(io.BytesIO(body)) as package:
        names = package.namelist()
        styles = package.read("word/styles.xml").decode()
        app = package.read("docProps/app.xml").decode()
        settings = package.read("word/settings.xml").decode()
    assert not [name for name in names if "thumbnail" in name]
    assert "Normal.dotm" not in app
    assert "Microsoft" not in app
    assert "<Application>Phòng họp không giấy</Application>" in app
    assert re.search(r'<w:rPrDefault>.*<w:lang w:val="vi-VN"', styles, re.S)
    assert 'w:themeFontLang w:val="vi-VN"' in settings
    assert "en-US" not in styles


def test_the_word_file_keeps_headings_with_their_text_and_its_tables_whole(api, meeting, busy):
    report = docx.Document(io.BytesIO(_docx(api, meeting)))
    for name in ("Heading 1", "Heading 2", "Heading 3", "Digest Quote", "Digest Meta"):
        assert report.styles[name].paragraph_format.keep_with_next, name
    for name in ("Normal", "Digest Entry", "Digest Quote", "Heading 3"):
        assert report.styles[name].paragraph_format.space_after.pt >= 6, name
    people = report.tables[-2]
    assert (
        people.rows[0]._tr.trPr.find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader"
        )
        is not None
    )
    assert all(
        row._tr.trPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}cantSplit")
        is not None
        for row in people.rows
    )
    hidden = next(p for p in report.paragraphs if p.text.startswith("[Ý kiến đã được chủ tọa ẩn"))
    assert all(run.font.color.rgb is None for run in hidden.runs)  # black, as the body
    signer = report.tables[-1].rows[0].cells[1].text
    assert signer.startswith("THƯ KÝ KỲ HỌP")
    assert signer.rstrip().endswith("Thuky")


def test_libreoffice_lays_out_the_word_file_with_the_table_header_on_every_page_it_runs_onto(
    api, meeting, busy, tmp_path
):
    source = tmp_path / "digest.docx"
    source.write_bytes(_docx(api, meeting))
    profile = (tmp_path / "profile").as_uri()
    converted = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
         str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert converted.returncode == 0, converted.stderr
    with pymupdf.open(tmp_path / "digest.pdf") as pdf:
        pages = [_lines(page) for page in pdf]
        motto, rule = _motto_and_rule(pdf[0])
    table_pages = [lines for lines in pages if any(re.match(r"^\d+ Đại biểu số \d\d", x) for x in lines)]
    assert len(table_pages) >= 2
    for lines in table_pages:
        header = next(i for i, line in enumerate(lines) if line.startswith("TT Đại biểu"))
        assert header < next(i for i, line in enumerate(lines) if re.match(r"^\d+ Đại biểu số \d\d", line))
    for lines in pages[:-1]:
        assert not HEADINGS.match(lines[-1]) or lines[-1].isdigit(), lines[-1]
    assert any("Nơi nhận:" in line for line in pages[-1])  # the signature block is not cut in two
    assert pages[-1][-1].endswith("Thuky")
    assert rule == pytest.approx(motto, rel=0.1)  # the motto's rule is as long as the motto


def _motto_and_rule(page) -> tuple[float, float]:
    words = page.get_text("words")
    motto = [w for w in words if w[4] in ("Độc", "phúc")]
    rule = [w for w in words if set(w[4]) == {"―"}]
    motto_width = max(w[2] for w in motto) - min(w[0] for w in motto)
    below = min((w for w in rule if w[1] > motto[0][1]), key=lambda w: w[1])
    return motto_width, below[2] - below[0]
