"""Paragraphs are what delegates comment on and call out by number ("đoạn 12") in the hall."""

import re
from pathlib import Path

import pymupdf
import pytest

from storage.pdf.ingest import ingest_pdf
from storage.pdf.paragraphs import PageText, analyse
from storage.pdf.reading_order import Line

MEETING = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "meeting"
NUMBERED = re.compile(r"(\d+)\. ")
LOREM = (
    "The council reviewed the budget and agreed that every commune should publish its "
    "spending plan before the session so that delegates can comment on each line."
)


def paragraphs_of(name: str):
    return ingest_pdf((MEETING / name).read_bytes()).paragraphs


def numbered(paragraphs) -> dict[int, object]:
    return {int(m.group(1)): p for p in paragraphs if (m := NUMBERED.match(p.text))}


def line(x0: float, y0: float, x1: float, text: str, *, page=1, size=12.0, bold=False) -> Line:
    y1 = y0 + 1.2 * size
    return Line(page, x0, y0, x1, y1, (x0, y0, x1, y1), text, size, bold)


def page_of(*lines: Line) -> PageText:
    return PageText(1, 595, 842, list(lines))


def texts(page: PageText) -> list[str]:
    return [p.text for p in analyse([page]).paragraphs]


@pytest.fixture(scope="module")
def proposal():
    return paragraphs_of("to-trinh-de-an-chuyen-doi-so.pdf")


@pytest.fixture(scope="module")
def report():
    return paragraphs_of("bao-cao-kinh-te-xa-hoi.pdf")


# The proposal (tờ trình)


def test_numbered_paragraphs_of_the_proposal_are_one_paragraph_each(proposal):
    body = [p for p in proposal if p.kind == "body"]
    assert [NUMBERED.match(p.text).group(1) for p in body] == [str(n) for n in range(1, 18)]


def test_section_headings_are_paragraphs_of_their_own(proposal):
    headings = [p.text for p in proposal if p.kind == "heading"]
    for heading in ("I. SỰ CẦN THIẾT", "II. NỘI DUNG ĐỀ ÁN", "III. KIẾN NGHỊ"):
        assert heading in headings


def test_the_document_header_and_title_are_never_merged_into_the_text(proposal):
    assert [(p.text, p.kind) for p in proposal[:5]] == [
        ("HỘI ĐỒNG NHÂN DÂN HUYỆN VÕ NHAI", "heading"),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "heading"),
        ("Độc lập - Tự do - Hạnh phúc", "heading"),
        ("TỜ TRÌNH", "heading"),
        ("Về việc thông qua Đề án chuyển đổi số huyện Võ Nhai", "heading"),
    ]


def test_a_paragraph_running_onto_the_next_page_stays_one_paragraph(proposal):
    fifth = numbered(proposal)[5]
    assert [page for page, _ in fifth.parts] == [1, 2]
    assert (fifth.page, fifth.bbox) == fifth.parts[0]
    assert fifth.text.endswith("ứng dụng “Sổ tay đảng viên điện tử”.")
    assert "100% đảng viên đều" in fifth.text


def test_a_paragraph_on_one_page_has_that_page_as_its_only_part(proposal):
    assert all(p.parts == [(p.page, p.bbox)] for p in proposal if p is not numbered(proposal)[5])


def test_paragraphs_are_numbered_in_reading_order(proposal):
    assert [p.number for p in proposal] == list(range(1, len(proposal) + 1))
    assert [p.page for p in proposal] == sorted(p.page for p in proposal)
    first_page = [p.bbox[1] for p in proposal if p.page == 1]
    assert first_page == sorted(first_page)


# The report (báo cáo): 28 pages, a table, a scan and a turned page


def test_each_numbered_paragraph_of_the_report_is_exactly_one_paragraph(report):
    starts = [int(m.group(1)) for p in report if (m := NUMBERED.match(p.text))]
    assert starts == list(range(1, 157))
    assert all(numbered(report)[n].kind == "body" for n in range(1, 157))


def test_no_paragraph_swallows_the_start_of_another(report):
    openings = [p.text[:40] for p in numbered(report).values()]
    for paragraph in report:
        found = sum(f" {opening}" in f" {paragraph.text}" for opening in openings)
        assert found <= 1, paragraph.text[:80]


def test_a_line_opening_with_a_year_or_a_dash_does_not_split_a_paragraph(report):
    assert "giai đoạn 2021 - 2025. Đến nay, huyện đã thành lập" in numbered(report)[12].text
    assert "Trưởng phòng Văn hóa - Thông tin huyện chia sẻ thêm." in numbered(report)[14].text


def test_report_paragraphs_continue_across_pages(report):
    eleventh = numbered(report)[11]
    assert [page for page, _ in eleventh.parts] == [2, 3]
    assert "trong nhà văn hóa như: hệ thống âm thanh" in eleventh.text


def test_a_web_address_broken_at_a_hyphen_is_joined_back(report):
    assert "https://onetouch.mic.gov.vn/pho-cap-ky-nang-so/)" in numbered(report)[16].text


def test_table_rows_are_one_paragraph_each_not_one_blob(report):
    rows = [p.text for p in report if p.page == 4 and p.kind == "table"]
    assert rows[0] == "Đơn vị Phủ sóng 4G Điện thoại thông minh Phòng họp không giấy"
    assert rows[1:] == [
        "Xã Sảng Mộc 61% 93% 7",
        "Xã Cúc Đường 87% 44% 9",
        "Xã Dân Tiến 85% 96% 4",
        "Xã Thần Sa 97% 42% 10",
        "Xã La Hiên 60% 40% 3",
        "Xã Tràng Xá 88% 92% 6",
        "Xã Phú Thượng 73% 93% 4",
    ]


def test_the_scanned_page_has_no_paragraphs(report):
    assert not any(page == 9 for p in report for page, _ in p.parts)


def test_paragraphs_on_the_turned_page_are_placed_on_the_page_as_shown(report):
    on_turned = [box for p in report for page, box in p.parts if page == 11]
    assert len(on_turned) == 8
    for x0, y0, x1, y1 in on_turned:
        assert 0 <= x0 < x1 <= 842
        assert 0 <= y0 < y1 <= 595
    carried = next(p for p in report if [page for page, _ in p.parts] == [10, 11])
    assert "tiền điện, nước sinh hoạt. Huyện xác định 46 hạng mục" in carried.text
    assert carried.text.endswith("của địa phương trong năm 2022.")


def test_paragraph_counts_of_the_session_pack():
    counts = {path.name: len(paragraphs_of(path.name)) for path in sorted(MEETING.glob("*.pdf"))}
    assert counts == {
        "bao-cao-kinh-te-xa-hoi.pdf": 170,  # 5 header lines, 156 numbered, a heading, 8 rows
        "chuong-trinh-ky-hop.pdf": 10,
        "du-thao-nghi-quyet-v1.pdf": 17,
        "du-thao-nghi-quyet-v2.pdf": 17,
        "to-trinh-de-an-chuyen-doi-so.pdf": 25,
    }


def test_each_agenda_item_is_one_paragraph():
    items = [p.text for p in paragraphs_of("chuong-trinh-ky-hop.pdf")[5:]]
    assert [item.split()[:2] for item in items] == [
        ["1", "9:00"],
        ["2", "10:00"],
        ["3", "11:00"],
        ["4", "12:00"],
        ["5", "13:00"],
    ]
    assert items[0].endswith("phát triển kinh tế - xã hội năm 2024")


# Layouts the session pack does not have


def running_header_pdf(pages: int = 4) -> bytes:
    doc = pymupdf.open()
    for number in range(1, pages + 1):
        page = doc.new_page()
        page.insert_text((72, 40), "HDND huyen Vo Nhai - Ky hop thu 12", fontsize=9)
        page.insert_text((290, 810), f"- {number} -", fontsize=9)
        body = "\n".join(f"    {number}.{i} {LOREM}" for i in range(3))
        page.insert_textbox(pymupdf.Rect(72, 80, 523, 760), body, fontsize=11)
    return doc.tobytes()


def test_running_headers_and_page_numbers_are_not_paragraphs():
    paragraphs = ingest_pdf(running_header_pdf()).paragraphs
    assert len(paragraphs) == 12
    assert not any("Ky hop" in p.text or re.fullmatch(r"- \d -", p.text) for p in paragraphs)


def test_a_first_line_repeated_on_every_page_is_still_text():
    openings = [p.text[:4] for p in ingest_pdf(running_header_pdf()).paragraphs]
    assert openings[:4] == ["1.0 ", "1.1 ", "1.2 ", "2.0 "]


def test_two_columns_are_read_left_column_first():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 60), "QUARTERLY BULLETIN", fontsize=16, fontname="hebo")
    for first, box in ((1, (72, 90, 290, 780)), (4, (310, 90, 528, 780))):
        body = "\n".join(f"    {n}. {LOREM} {LOREM}" for n in range(first, first + 3))
        page.insert_textbox(pymupdf.Rect(box), body, fontsize=10)
    paragraphs = ingest_pdf(doc.tobytes()).paragraphs
    assert [p.text[:2] for p in paragraphs] == ["QU", "1.", "2.", "3.", "4.", "5.", "6."]
    assert paragraphs[0].kind == "heading"
    assert paragraphs[4].bbox[0] > 300


def test_a_paragraph_running_from_one_column_into_the_next_is_one_paragraph():
    left = [line(72, 100 + 15 * i, 290, f"left column line {i} of the text") for i in range(3)]
    right = [line(310, 100, 528, "continues here and ends."), line(330, 115, 528, "2. Next one")]
    right.append(line(310, 130, 528, "goes on"))
    paragraphs = analyse([page_of(*left, *right)]).paragraphs
    assert [len(p.parts) for p in paragraphs] == [2, 1]
    assert paragraphs[0].text.endswith("line 2 of the text continues here and ends.")


def test_first_line_indents_and_sentence_ends_open_paragraphs():
    page = page_of(
        line(97, 100, 520, "1. A first paragraph that fills"),
        line(73, 115, 520, "the line and ends here."),
        line(97, 130, 520, "Then an indented one that"),
        line(73, 145, 300, "ends short."),
        line(73, 160, 520, "And a flush one without indent"),
    )
    assert texts(page) == [
        "1. A first paragraph that fills the line and ends here.",
        "Then an indented one that ends short.",
        "And a flush one without indent",
    ]


def test_a_hanging_list_item_keeps_its_indented_lines():
    page = page_of(
        line(73, 100, 520, "a) The first item runs over"),
        line(90, 115, 400, "two lines;"),
        line(73, 130, 520, "b) the second item also runs"),
        line(90, 145, 400, "over two lines."),
    )
    layout = analyse([page])
    assert [p.text for p in layout.paragraphs] == [
        "a) The first item runs over two lines;",
        "b) the second item also runs over two lines.",
    ]
    assert {p.kind for p in layout.paragraphs} == {"list"}


def test_a_wider_gap_between_lines_opens_a_paragraph():
    lines = [line(73, 100 + 15 * i, 520, f"tight line {i}") for i in range(4)]
    lines.append(line(73, 185, 520, "after a gap"))
    assert texts(page_of(*lines)) == [
        "tight line 0 tight line 1 tight line 2 tight line 3",
        "after a gap",
    ]


def test_hyphens_and_soft_hyphens_at_line_ends_are_joined_sensibly():
    page = page_of(
        line(73, 100, 520, "Covid-"),
        line(73, 115, 520, "19 and kinh tế -"),
        line(73, 130, 520, "xã hội, a hyphen\u00ad"),
        line(73, 145, 520, "ation."),
    )
    assert texts(page) == ["Covid-19 and kinh tế - xã hội, a hyphenation."]


def test_a_title_falls_back_to_nothing_when_no_line_stands_out():
    assert analyse([page_of(line(73, 100, 520, "Plain text only."))]).title == ""


RESOLUTION = """
<table style="width:100%"><tr>
<td style="text-align:center"><b>HỘI ĐỒNG NHÂN DÂN<br>HUYỆN VÕ NHAI</b><br>Số: 12/NQ-HĐND</td>
<td style="text-align:center"><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>
Độc lập - Tự do - Hạnh phúc</b><br><i>Võ Nhai, ngày 5 tháng 12 năm 2024</i></td></tr></table>
<h2 style="text-align:center">NGHỊ QUYẾT</h2>
<p style="text-align:center"><b>Về kế hoạch đầu tư công năm 2025</b></p>
<p style="text-indent:24pt;margin:0">Căn cứ Luật Tổ chức chính quyền địa phương ngày 19
tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ ngày 22
tháng 11 năm 2019;</p>
<p style="text-indent:24pt;margin:0">Căn cứ Luật Đầu tư công ngày 13 tháng 6 năm 2019;</p>
<p style="text-indent:24pt;margin:0"><b>Điều 1.</b> Thông qua kế hoạch đầu tư công năm 2025 với tổng
vốn 120 tỷ đồng, cụ thể:</p>
<p style="text-indent:24pt;margin:0">a) Vốn ngân sách tỉnh hỗ trợ: 80 tỷ đồng, bố trí cho các công
trình giao thông nông thôn và trường học tại các xã vùng cao;</p>
<p style="text-indent:24pt;margin:0">b) Vốn ngân sách huyện: 40 tỷ đồng.</p>
<table border="1" style="width:100%"><tr><th>STT</th><th>Dự án</th><th>Vốn (tỷ)</th></tr>
<tr><td>1</td><td>Đường Tràng Xá - Dân Tiến</td><td>35</td></tr>
<tr><td>2</td><td>Nước sạch La Hiên</td><td>25</td></tr></table>
"""


def test_a_resolution_with_the_usual_two_column_letterhead_reads_sensibly():
    doc = pymupdf.open()
    doc.new_page().insert_htmlbox(pymupdf.Rect(60, 50, 540, 800), RESOLUTION)
    result = ingest_pdf(doc.tobytes())
    assert result.title == "NGHỊ QUYẾT – Về kế hoạch đầu tư công năm 2025"
    assert [(p.text, p.kind) for p in result.paragraphs] == [
        ("HỘI ĐỒNG NHÂN DÂN", "heading"),
        ("HUYỆN VÕ NHAI", "heading"),
        ("Số: 12/NQ-HĐND", "body"),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "heading"),
        ("Độc lập - Tự do - Hạnh phúc", "heading"),
        ("Võ Nhai, ngày 5 tháng 12 năm 2024", "body"),
        ("NGHỊ QUYẾT", "heading"),
        ("Về kế hoạch đầu tư công năm 2025", "heading"),
        (
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, "
            "bổ sung một số điều của Luật Tổ chức Chính phủ ngày 22 tháng 11 năm 2019;",
            "body",
        ),
        ("Căn cứ Luật Đầu tư công ngày 13 tháng 6 năm 2019;", "body"),
        (
            "Điều 1. Thông qua kế hoạch đầu tư công năm 2025 với tổng vốn 120 tỷ đồng, cụ thể:",
            "body",
        ),
        (
            "a) Vốn ngân sách tỉnh hỗ trợ: 80 tỷ đồng, bố trí cho các công trình giao thông "
            "nông thôn và trường học tại các xã vùng cao;",
            "list",
        ),
        ("b) Vốn ngân sách huyện: 40 tỷ đồng.", "list"),
        ("STT Dự án Vốn (tỷ)", "table"),
        ("1 Đường Tràng Xá - Dân Tiến 35", "table"),
        ("2 Nước sạch La Hiên 25", "table"),
    ]
