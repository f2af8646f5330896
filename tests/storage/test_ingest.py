"""Upload checks and text extraction: what the secretary sees when a file is refused or accepted."""

import json
import pickle
from pathlib import Path

import pymupdf
import pytest

from storage.pdf.ingest import PdfLimits, PdfRejected, ingest_pdf, open_checked

FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures"
MEETING = FIXTURES / "meeting"
REPORT = "bao-cao-kinh-te-xa-hoi.pdf"

BAD_FILES = {
    "empty.pdf": "file_empty",
    "html-disguised.pdf": "not_a_pdf",
    "not-a-pdf.pdf": "not_a_pdf",
    "encrypted.pdf": "pdf_encrypted",
    "truncated.pdf": "pdf_damaged",
    "broken-xref.pdf": "pdf_damaged",
    "javascript-openaction.pdf": "pdf_active_content",
    "huge-page.pdf": "page_too_large",
}
PAGE_COUNTS = {
    "bao-cao-kinh-te-xa-hoi.pdf": 28,
    "chuong-trinh-ky-hop.pdf": 1,
    "du-thao-nghi-quyet-v1.pdf": 3,
    "du-thao-nghi-quyet-v2.pdf": 3,
    "to-trinh-de-an-chuyen-doi-so.pdf": 3,
}


def meeting_pdf(name: str) -> bytes:
    return (MEETING / name).read_bytes()


def rejection(data: bytes, limits: PdfLimits | None = None) -> PdfRejected:
    with pytest.raises(PdfRejected) as caught:
        ingest_pdf(data, limits or PdfLimits())
    return caught.value


def made_pdf(pages: int = 1, text: str = "Nội dung cuộc họp", **metadata) -> bytes:
    doc = pymupdf.open()
    for _ in range(pages):
        doc.new_page().insert_text((72, 100), text, fontsize=12)
    doc.set_metadata(metadata)
    return doc.tobytes()


def with_catalog_key(key: str, value: str) -> bytes:
    doc = pymupdf.open(stream=made_pdf(), filetype="pdf")
    doc.xref_set_key(doc.pdf_catalog(), key, value)
    return doc.tobytes()


@pytest.fixture(scope="module")
def report():
    return ingest_pdf(meeting_pdf(REPORT))


# Refusals


@pytest.mark.parametrize(("name", "code"), BAD_FILES.items())
def test_a_bad_file_is_refused_with_a_reason_the_secretary_can_act_on(name, code):
    assert rejection((FIXTURES / "bad" / name).read_bytes()).code == code


def test_every_bad_fixture_has_an_expected_refusal():
    assert {path.name for path in (FIXTURES / "bad").glob("*.pdf")} == set(BAD_FILES)


def test_an_oversized_page_names_the_page_and_the_limit():
    refused = rejection((FIXTURES / "bad" / "huge-page.pdf").read_bytes())
    assert refused.params == {"page": 1, "limit_pt": 5000}


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    refused = rejection(b"%PDF-1.7\n" + b"0" * 2**20, PdfLimits(max_bytes=2**20))
    assert (refused.code, refused.params) == ("file_too_large", {"limit_mb": 1})


def test_a_pdf_longer_than_the_page_limit_is_refused():
    refused = rejection(made_pdf(pages=3), PdfLimits(max_pages=2))
    assert (refused.code, refused.params) == ("too_many_pages", {"limit": 2})


def test_a_pdf_within_the_page_limit_is_accepted():
    assert ingest_pdf(made_pdf(pages=2), PdfLimits(max_pages=2)).page_count == 2


def test_the_file_name_does_not_matter_only_the_content():
    png = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 8, 8)).tobytes("png")
    assert rejection(png).code == "not_a_pdf"


def test_a_pdf_header_is_looked_for_in_the_first_kilobyte_only():
    agenda = meeting_pdf("chuong-trinh-ky-hop.pdf")
    assert ingest_pdf(b"\r\n" * 100 + agenda).page_count == 1  # e.g. a mail gateway's prefix
    assert rejection(b" " * 1024 + agenda).code == "not_a_pdf"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("OpenAction", "<</S/JavaScript/JS(app.alert(1))>>"),
        ("AA", "<</WC<</S/JavaScript/JS(app.alert(1))>>>>"),
        ("Names", "<</JavaScript<</Names[(x)<</S/JavaScript/JS(app.alert(1))>>]>>>>"),
        ("OpenAction", "<</S/J#61vaScript/JS(app.alert(1))>>"),
    ],
    ids=["open-action", "additional-actions", "names-tree", "escaped-name"],
)
def test_javascript_anywhere_in_the_file_is_refused(key, value):
    assert rejection(with_catalog_key(key, value)).code == "pdf_active_content"


def test_javascript_on_a_link_annotation_is_refused():
    doc = pymupdf.open(stream=made_pdf(), filetype="pdf")
    link = doc.get_new_xref()
    action = "<</S/JavaScript/JS(app.alert(1))>>"
    doc.update_object(link, f"<</Type/Annot/Subtype/Link/Rect[72 80 200 100]/A{action}>>")
    doc.xref_set_key(doc[0].xref, "Annots", f"[{link} 0 R]")
    assert rejection(doc.tobytes()).code == "pdf_active_content"


def test_a_document_that_only_talks_about_javascript_is_accepted():
    data = made_pdf(text="Hướng dẫn /JavaScript và /JS", title="JavaScript cho cán bộ")
    assert ingest_pdf(data).page_count == 1


def test_the_refusal_reason_survives_the_trip_back_from_a_worker_process():
    refused = pickle.loads(pickle.dumps(PdfRejected("page_too_large", page=3, limit_pt=5000)))
    assert (refused.code, refused.params) == ("page_too_large", {"page": 3, "limit_pt": 5000})


def test_open_checked_hands_back_an_open_document_for_further_work():
    with open_checked(meeting_pdf("chuong-trinh-ky-hop.pdf"), PdfLimits()) as doc:
        assert doc.page_count == 1


# Pages and words


@pytest.mark.parametrize(("name", "pages"), PAGE_COUNTS.items())
def test_every_meeting_document_is_accepted_with_all_its_pages(name, pages):
    result = ingest_pdf(meeting_pdf(name))
    assert result.page_count == len(result.pages) == len(result.words) == pages
    assert [page.number for page in result.pages] == list(range(1, pages + 1))


def test_every_meeting_fixture_is_listed():
    assert {path.name for path in MEETING.glob("*.pdf")} == set(PAGE_COUNTS)


def test_pages_have_the_size_they_are_shown_at(report):
    sizes = {p.number: (p.width, p.height, p.rotation) for p in report.pages}
    assert sizes[4] == (842, 595, 0)  # a landscape table
    assert sizes[11] == (842, 595, 90)  # portrait in the file, turned by /Rotate 90
    assert all(sizes[n] == (595, 842, 0) for n in sizes if n not in (4, 11))


def test_the_scanned_page_is_recognised_and_has_no_text(report):
    scanned = [page.number for page in report.pages if page.is_scanned]
    assert scanned == [9]
    assert not report.pages[8].has_text
    assert report.words[8] == []
    assert all(page.has_text for page in report.pages if page.number != 9)


def picture_page_pdf(picture: pymupdf.Rect, rotation: int) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    pixmap = pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, 60, 80), False)
    pixmap.clear_with(200)
    page.insert_image(picture, pixmap=pixmap)
    page.set_rotation(rotation)
    return doc.tobytes()


@pytest.mark.parametrize("rotation", [0, 90, 270])
def test_a_scan_is_recognised_however_it_is_turned(rotation):
    page = ingest_pdf(picture_page_pdf(pymupdf.Rect(0, 0, 595, 842), rotation)).pages[0]
    assert (page.is_scanned, page.has_text) == (True, False)


def test_a_page_with_only_a_small_picture_is_not_a_scan():
    page = ingest_pdf(picture_page_pdf(pymupdf.Rect(200, 300, 300, 400), 0)).pages[0]
    assert (page.is_scanned, page.has_text) == (False, False)


def test_words_on_the_turned_page_lie_within_the_page_as_shown(report):
    words = report.words[10]
    assert len(words) > 300
    for word in words:
        assert 0 <= word.x0 < word.x1 <= 842
        assert 0 <= word.y0 < word.y1 <= 595


def test_words_on_the_turned_page_cover_the_ink_of_the_rendered_page(report):
    with pymupdf.open(stream=meeting_pdf(REPORT), filetype="pdf") as doc:
        pix = doc[10].get_pixmap(colorspace=pymupdf.csGRAY)  # 1 pixel per point, as shown
    assert (pix.width, pix.height) == (842, 595)

    def inked(word) -> bool:
        for y in range(int(word.y0), min(int(word.y1) + 1, pix.height)):
            row = y * pix.stride
            if min(pix.samples[row + int(word.x0) : row + min(int(word.x1) + 1, pix.width)]) < 128:
                return True
        return False

    assert all(inked(word) for word in report.words[10])


def test_the_turned_page_reads_top_to_bottom_as_a_viewer_shows_it(report):
    first_line = report.words[10][:4]  # "phí sử dụng dịch": the text stands on its side
    assert [word.text for word in first_line] == ["phí", "sử", "dụng", "dịch"]
    assert all(word.x0 == pytest.approx(first_line[0].x0, abs=1) for word in first_line)
    assert [word.y0 for word in first_line] == sorted(word.y0 for word in first_line)
    assert first_line[0].x0 > 700  # the top of the file's page is on the right when turned


def test_the_text_layer_comes_back_as_json_the_reader_loads_as_is(report):
    rows = json.loads(report.words_json[10])
    assert len(rows) > 300
    assert rows[:4] == [[w.x0, w.y0, w.x1, w.y1, w.text] for w in report.words[10][:4]]
    assert all(len(row) == 5 and isinstance(row[4], str) for row in rows)
    assert all(round(value, 1) == value for row in rows for value in row[:4])


def test_text_drawn_upright_on_a_turned_page_reads_left_to_right():
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.set_rotation(90)
    box = pymupdf.Rect(72, 60, 770, 540) * page.derotation_matrix
    page.insert_textbox(box, "Upright heading\n    " + "Budget plan for the year. " * 8, rotate=90)
    result = ingest_pdf(doc.tobytes())
    words = result.words[0]
    assert [w.text for w in words[:2]] == ["Upright", "heading"]
    assert words[0].x1 < words[1].x0
    assert words[0].y0 == pytest.approx(words[1].y0, abs=1)
    assert result.paragraphs[0].text == "Upright heading"
    assert result.paragraphs[1].bbox[0] == pytest.approx(72, abs=2)


def test_words_on_a_cropped_page_are_measured_from_its_visible_corner():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((50, 50), "hidden", fontsize=12)
    page.insert_text((150, 150), "visible", fontsize=12)
    page.set_cropbox(pymupdf.Rect(100, 100, 500, 700))
    words = ingest_pdf(doc.tobytes()).words[0]
    assert [w.text for w in words] == ["visible"]
    assert words[0].x0 == pytest.approx(50, abs=1)


def test_ligatures_come_out_as_plain_letters():
    result = ingest_pdf(meeting_pdf("to-trinh-de-an-chuyen-doi-so.pdf"))
    words = [word.text for page in result.words for word in page]
    assert "wifi," in words
    assert not any("\ufb01" in word for word in words)
    assert any("wifi, màn hình tivi" in p.text for p in result.paragraphs)


# Titles


def test_the_title_is_the_document_type_and_its_subject():
    result = ingest_pdf(meeting_pdf("to-trinh-de-an-chuyen-doi-so.pdf"))
    assert result.title == "TỜ TRÌNH – Về việc thông qua Đề án chuyển đổi số huyện Võ Nhai"


def test_the_report_title_is_taken_from_its_first_page(report):
    assert report.title == "BÁO CÁO – Kết quả thực hiện nhiệm vụ phát triển kinh tế - xã hội"


def test_without_a_title_on_the_page_the_pdf_metadata_title_is_used():
    assert ingest_pdf(made_pdf(title="Kế hoạch tổ chức kỳ họp")).title == "Kế hoạch tổ chức kỳ họp"


@pytest.mark.parametrize("title", ["to-trinh-de-an.pdf", "Microsoft Word - BC_2024.docx", ""])
def test_a_metadata_title_that_is_just_a_file_name_is_not_used(title):
    assert ingest_pdf(made_pdf(title=title)).title == ""


def test_the_result_can_be_sent_back_from_a_worker_process(report):
    again = pickle.loads(pickle.dumps(report))
    assert again.paragraphs == report.paragraphs
    assert again.words[10][:3] == report.words[10][:3]
