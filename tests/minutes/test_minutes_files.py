"""The minutes of a scripted two-sitting session, read back from the PDF and the DOCX line by line."""

import io
import re
import subprocess

import docx
import pytest

from annotations.exports.heading import ReportHeading
from minutes import wording
from minutes.docx import minutes_docx
from minutes.pdf import typeset_request
from tests.minutes.session import COUNCIL, ROSTER, TITLE, scripted_session

HEADING = ReportHeading(COUNCIL, "Thần Sa")


@pytest.fixture(scope="module")
def record():
    return scripted_session()


@pytest.fixture(scope="module")
def pdf_text(record, pdf_pool, tmp_path_factory):
    job = typeset_request(record, HEADING)
    body = pdf_pool.typeset(job["fragments"], job["css"], job["page_numbers"], job["metadata"])
    path = tmp_path_factory.mktemp("minutes") / "bien-ban.pdf"
    path.write_bytes(body)
    text = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    # The page number (from page 2) is drawn last, so it comes out wherever its page's text ends.
    pages = [
        re.sub(rf"(?m)^{number}$", "", page, count=1) if number > 1 else page
        for number, page in enumerate(text.split("\f"), start=1)
    ]
    return path, " ".join(" ".join(pages).split())


@pytest.fixture(scope="module")
def word(record):
    return minutes_docx(record, HEADING)


def _paragraphs(body: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(body)).paragraphs]


def _expected(record) -> list[str]:
    return [" ".join(f"{block.label}{block.text}".split()) for block in wording.body(record)]


def test_every_line_of_the_minutes_is_in_the_pdf_in_order(record, pdf_text):
    _path, text = pdf_text
    at = 0
    for line in _expected(record):
        found = text.find(line, at)
        assert found >= 0, line
        at = found + len(line)


def test_every_line_of_the_minutes_is_a_paragraph_of_the_docx_in_order(record, word):
    paragraphs = _paragraphs(word)
    start = paragraphs.index(_expected(record)[0])
    assert paragraphs[start : start + len(_expected(record))] == _expected(record)


@pytest.mark.parametrize("poll", range(3))
def test_each_vote_appears_exactly_once_in_its_official_wording(record, pdf_text, word, poll):
    vote = record.polls()[poll]
    _path, text = pdf_text
    assert text.count(vote.result_text) == 1
    assert sum(p.count(vote.result_text) for p in _paragraphs(word)) == 1


def test_vote_counts_and_named_lists_match_the_ballots(record, pdf_text):
    _path, text = pdf_text
    budget, roads, _secret = record.polls()
    assert "Tán thành 20/25 đại biểu (80,00% tổng số đại biểu) — THÔNG QUA" in text
    assert "Tán thành 12/25 đại biểu (48,00% tổng số đại biểu) — KHÔNG THÔNG QUA" in text
    assert (
        "Tán thành: 20; không tán thành: 1; không biểu quyết: 1; có mặt nhưng không bấm: 1; vắng mặt: 2"
        " (tổng số đại biểu: 25)." in text
    )
    assert "Không tán thành (1): Đại biểu Số 21." in text
    assert "Có mặt nhưng không bấm (1): Đại biểu Số 23." in text
    assert "Vắng mặt (2): Đại biểu Số 24, Đại biểu Số 25." in text
    assert "Không tán thành (8): " + ", ".join(f"Đại biểu Số {n:02d}" for n in range(13, 21)) + "." in text
    assert text.count(budget.digest) == 1
    assert text.count(roads.digest) == 1
    assert "Bỏ phiếu kín: không công bố danh sách." in text  # and no named list for it
    assert text.count("Mã kiểm tra danh sách") == 2


@pytest.mark.parametrize("paper", ["pdf", "docx"])
@pytest.mark.parametrize("poll", range(2))
def test_each_delegate_is_named_once_in_a_vote_under_the_heading_that_counts_them(
    record, pdf_text, word, paper, poll
):
    """The count line says how many were present but pressed nothing and how many were absent; the
    named list beside it names those people under the same two headings, each name once."""
    vote = record.polls()[poll]
    text = pdf_text[1] if paper == "pdf" else " ".join(" ".join(_paragraphs(word)).split())
    start = text.index(vote.title)
    lists = text[start : text.index("Mã kiểm tra danh sách", start)]
    headings = {
        "Tán thành": "for",
        "Không tán thành": "against",
        "Không biểu quyết": "abstain",
        "Có mặt nhưng không bấm": "not_voted",
        "Vắng mặt": "absent",
    }
    listed = {}
    for heading, count, names in re.findall(r"(?<=\. )([^.:;()]+) \((\d+)\): ([^.]*)\.", lists):
        assert heading in headings, heading
        listed[headings[heading]] = names.split(", ")
        assert int(count) == len(listed[headings[heading]]) == vote.counts[headings[heading]]
    assert sorted(name for names in listed.values() for name in names) == ROSTER
    assert {key for key, number in vote.counts.items() if number} == set(listed)


def test_times_attendance_and_absences_with_reasons_match_the_record(pdf_text):
    _path, text = pdf_text
    assert "Thời gian bắt đầu: 08 giờ 00 phút, ngày 03 tháng 12 năm 2026" in text
    assert (
        "Phiên thứ nhất (sáng 03/12/2026): khai mạc lúc 08:00, bế mạc lúc 11:30; đại biểu có mặt 23/25."
        in text
    )
    assert (
        "Phiên thứ hai (sáng 04/12/2026): khai mạc lúc 08:05, bế mạc lúc 11:05; đại biểu có mặt 22/25."
        in text
    )
    assert "Vắng mặt có lý do (1): Đại biểu Số 24 (đi công tác tỉnh)." in text
    assert "Vắng mặt có lý do (2): Đại biểu Số 23 (ốm); Đại biểu Số 24 (đi công tác tỉnh)." in text
    assert text.count("Vắng mặt không có lý do (1): Đại biểu Số 25.") == 2
    assert "Đến muộn (1): Đại biểu Số 23." in text
    assert "Kỳ họp kết thúc vào hồi 11 giờ 05 phút, ngày 04 tháng 12 năm 2026./." in text
    assert "+ Lê Văn Khách, Chủ tịch Ủy ban nhân dân xã;" in text


def test_speeches_questions_and_commitments_are_in_order_with_durations(pdf_text):
    _path, text = pdf_text
    assert "1) Đại biểu Số 03 về nguồn thu, từ 08:20 đến 08:27 (7 phút 10 giây)." in text
    assert "Đề nghị rà soát nguồn thu từ đất." in text
    assert "2) Đại biểu Số 07 (kiến nghị về thủ tục), từ 08:30 đến 08:30 (45 giây)." in text
    asked = "1) Đại biểu Số 05 chất vấn Lê Văn Khách, Chủ tịch Ủy ban nhân dân xã:"
    assert f"{asked} Vì sao chi thường xuyên tăng 12%?" in text
    assert "Trả lời: Do tăng lương cơ sở từ tháng 7." in text
    assert "Cam kết: Báo cáo chi tiết chi thường xuyên (thời hạn: 15/01/2027)." in text
    assert text.count(wording.NO_SUMMARY) == 2  # s2 and s3 have none yet
    assert "Chủ tọa kết luận: thống nhất trình biểu quyết." in text


def test_the_pdf_has_the_decree_header_title_and_both_signature_blocks(pdf_text):
    _path, text = pdf_text
    for line in ("HỘI ĐỒNG NHÂN DÂN XÃ THẦN SA", "Số: /BB-HĐND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", f"BIÊN BẢN {TITLE}", "Nơi nhận:"):  # fmt: skip
        assert line in text
    assert text.index("THƯ KÝ") < text.index("CHỦ TỌA (Ký") or "THƯ KÝ CHỦ TỌA" in text
    assert text.index("Trần Thị Ký") < text.index("Nguyễn Văn Chủ", text.index("THƯ KÝ"))


def test_qpdf_finds_no_damage_in_the_minutes(pdf_text):
    path, _text = pdf_text
    checked = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_docx_survives_a_python_docx_round_trip(word):
    again = io.BytesIO()
    docx.Document(io.BytesIO(word)).save(again)
    assert _paragraphs(again.getvalue()) == _paragraphs(word)
    core = docx.Document(io.BytesIO(word)).core_properties
    assert core.title == f"Biên bản – {TITLE}"
    assert core.author == COUNCIL


def test_the_docx_signs_secretary_left_and_chair_right(word):
    tables = docx.Document(io.BytesIO(word)).tables
    left, right = tables[-1].rows[0].cells
    assert [left.paragraphs[0].text, left.paragraphs[-1].text] == ["THƯ KÝ", "Trần Thị Ký"]
    assert [right.paragraphs[0].text, right.paragraphs[-1].text] == ["CHỦ TỌA", "Nguyễn Văn Chủ"]
