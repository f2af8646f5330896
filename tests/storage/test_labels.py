"""Paragraphs carry the label printed on them and, in legal drafts, their Chương/Mục/Điều/khoản/điểm."""

import re

import pytest

from storage.pdf.ingest import ingest_pdf
from storage.pdf.labels import citation, label_paragraphs, printed_label
from storage.pdf.typeset import html_to_pdf
from tests.conftest import FIXTURES, MEETING_PACK

NUMBERED = re.compile(r"(\d+)\. ")


def _labelled(filename):
    result = ingest_pdf((MEETING_PACK / filename).read_bytes())
    return result.paragraphs


@pytest.mark.parametrize("filename", ["bao-cao-kinh-te-xa-hoi.pdf", "to-trinh-de-an-chuyen-doi-so.pdf"])
def test_numbered_paragraphs_are_labelled_with_the_number_printed_on_them(filename):
    paragraphs = _labelled(filename)
    numbered = [p for p in paragraphs if NUMBERED.match(p.text)]
    assert numbered
    assert [p.label for p in numbered] == [NUMBERED.match(p.text).group(1) for p in numbered]
    # headings and letterhead lines are counted in `number` but carry no printed number
    assert all(p.label is None for p in paragraphs[:5])
    assert numbered[-1].number > int(numbered[-1].label)
    assert citation(numbered[-1].label, numbered[-1].path) == f"Đoạn {numbered[-1].label}"


def test_the_proposal_runs_from_one_to_seventeen_under_roman_sections():
    paragraphs = _labelled("to-trinh-de-an-chuyen-doi-so.pdf")
    assert [p.label for p in paragraphs if p.label and p.label.isdigit()] == [str(n) for n in range(1, 18)]
    assert [p.label for p in paragraphs if p.kind == "heading" and p.label] == ["I", "II", "III"]
    assert all(p.path is None for p in paragraphs)  # not a legal draft: no Điều


def test_the_legal_fixture_is_cited_by_dieu_khoan_and_diem():
    result = ingest_pdf((FIXTURES / "legal" / "du-thao-nghi-quyet-dieu-khoan.pdf").read_bytes())
    by_start = {p.text[:30]: p for p in result.paragraphs}
    point = next(p for p in result.paragraphs if p.text.startswith("a) Lắp đặt"))
    assert (point.label, point.path) == ("a", {"dieu": "2", "khoan": "1", "diem": "a"})
    assert citation(point.label, point.path) == "Điều 2, khoản 1, điểm a"
    clause = next(p for p in result.paragraphs if p.text.startswith("3. Nghị quyết này"))
    assert citation(clause.label, clause.path) == "Điều 3, khoản 3"
    preamble = next(text for text in by_start if text.startswith("Căn cứ Luật Tổ chức"))
    assert by_start[preamble].path is None
    assert by_start[preamble].label is None


DRAFT = """
<p class="center bold">HỘI ĐỒNG NHÂN DÂN TỈNH THỬ NGHIỆM</p>
<h1>NGHỊ QUYẾT</h1>
<p>1. Căn cứ Luật Tổ chức chính quyền địa phương;</p>
<h2>Chương I</h2>
<h2>QUY ĐỊNH CHUNG</h2>
<h2>Điều 1. Phạm vi điều chỉnh</h2>
<p>Nghị quyết này quy định về phòng họp không giấy.</p>
<h2>Chương II</h2>
<h2>Mục 1. HẠ TẦNG</h2>
<h2>Điều 2. Thiết bị</h2>
<p>1. Mỗi đại biểu được cấp một máy tính bảng.</p>
<p>2. Hội trường có mạng không dây, gồm:</p>
<p>a) Điểm truy cập ở mỗi dãy ghế;</p>
<p>đ) Đường truyền dự phòng.</p>
<h2>Mục 2. VẬN HÀNH</h2>
<h2>Điều 3. Trách nhiệm</h2>
<p>1. Văn phòng bảo đảm vận hành hệ thống.</p>
"""


def test_a_generated_draft_nests_chuong_muc_dieu_khoan_diem():
    result = ingest_pdf(html_to_pdf(DRAFT))
    paragraphs = result.paragraphs

    def cited(start):
        p = next(p for p in paragraphs if p.text.startswith(start))
        return p.label, p.path, citation(p.label, p.path)

    assert cited("1. Căn cứ Luật Tổ chức chính quyền địa ph") == ("1", None, "Đoạn 1")
    assert cited("Chương I") == ("I", {"chuong": "I"}, "Chương I")
    assert cited("Nghị quyết này quy định về phòng họp khôn") == (
        None,
        {"chuong": "I", "dieu": "1"},
        "Điều 1",
    )
    assert cited("Mục 1. HẠ TẦNG") == ("1", {"chuong": "II", "muc": "1"}, "Mục 1")
    assert cited("1. Mỗi đại biểu được cấp một máy tính bản")[1] == {
        "chuong": "II",
        "muc": "1",
        "dieu": "2",
        "khoan": "1",
    }
    assert cited("đ) Đường truyền dự phòng.")[2] == "Điều 2, khoản 2, điểm đ"
    assert cited("1. Văn phòng bảo đảm vận hành hệ thống.")[1] == {
        "chuong": "II",
        "muc": "2",
        "dieu": "3",
        "khoan": "1",
    }


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("596. Đại biểu đề nghị", "596"),
        ("1.2. Chỉ tiêu", "1.2"),
        ("b) Trang bị", "b"),
        ("IV. KIẾN NGHỊ", "IV"),
        ("ĐIỀU 12. Hiệu lực", "12"),
        ("- Gạch đầu dòng", None),
        ("2026 là năm chuyển đổi số", None),
        ("Điều kiện để", None),
    ],
)
def test_printed_labels_are_read_from_the_start_of_a_paragraph(text, label):
    assert printed_label(text)[0] == label


def test_numbering_outside_any_dieu_is_not_a_khoan():
    assert label_paragraphs(["1. Căn cứ", "Điều 1. Mục tiêu", "1. Đến năm"]) == [
        ("1", None),
        ("1", {"dieu": "1"}),
        ("1", {"dieu": "1", "khoan": "1"}),
    ]


def test_names_that_would_read_alike_are_told_apart():
    from storage.pdf.labels import distinct_citations

    names = distinct_citations(
        [
            (None, None, "BÁO CÁO TÌNH HÌNH KINH TẾ XÃ HỘI NĂM 2026", 1),
            ("1", None, "1. Căn cứ Luật", 1),
            ("I", None, "I. KẾT QUẢ", 1),
            ("1", None, "1. Nông nghiệp", 1),
            ("II", None, "II. NHIỆM VỤ", 2),
            ("1", None, "1. Nông nghiệp", 2),
            ("1", {"dieu": "1"}, "Điều 1. Phạm vi", 3),
            (None, {"dieu": "1"}, "Nghị quyết này quy định về phòng họp không giấy.", 3),
        ]
    )

    assert names == [
        "Đoạn “BÁO CÁO TÌNH HÌNH KINH TẾ…”",
        "Đoạn 1",
        "Mục I",
        "Mục I, đoạn 1",
        "Mục II",
        "Mục II, đoạn 1",
        "Điều 1",
        "Điều 1, đoạn “Nghị quyết này quy định về…”",
    ]
    assert len(set(names)) == len(names)
