"""The chair's exports: digest PDF, Word and CSV, W3C JSON-LD, and the PDF with real annotations."""

import csv
import io
import json
import re
import subprocess
import threading
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import docx
import jsonschema
import pymupdf
import pytest

from annotations.exports.heading import HIDDEN_TEXT
from core.extensions import db
from documents.models import DocumentPage, Paragraph
from tests.conftest import MEETING_PACK

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs/schemas/web-annotation.schema.json").read_text()
)
NAMES = {
    "chutoa": "Đinh Văn Hùng",
    "daibieu1": "Nguyễn Thị Hồng Nhung",
    "daibieu2": "Trần Văn Đức",
    "daibieu3": "Lò Văn Phúc",
}
PRIVATE_TEXT = "Ghi nhớ riêng của tôi"
HIDDEN_BODY = "Lời lẽ không phù hợp với kỳ họp"


@pytest.fixture
def named(people):
    """The people fixture with real Vietnamese names, diacritics and all."""
    for username, full_name in NAMES.items():
        people[username].full_name = full_name
    db.session.commit()
    return people


@pytest.fixture
def body_paragraphs(document):
    return (
        Paragraph.query.filter_by(document_id=document.id, kind="body")
        .order_by(Paragraph.number)
        .limit(4)
        .all()
    )


@pytest.fixture
def discussion(named, document, other_document, body_paragraphs, create_annotation):
    """A morning of debate: comments, a reply, a hidden comment, a private note and a highlight."""
    first, second = body_paragraphs[0], body_paragraphs[2]
    at = lambda hour, minute=0: datetime(2026, 12, 1, hour, minute)  # noqa: E731 - UTC; 08:00 in Hà Nội is 01:00
    overall = create_annotation(
        named["daibieu3"], document, body="Tài liệu gửi muộn, đề nghị gửi trước 5 ngày.", created_at=at(1, 5)
    )
    root = create_annotation(
        named["daibieu1"],
        document,
        paragraph=second,
        body="Đề nghị làm rõ nguồn kinh phí cho xã vùng cao.",
        created_at=at(1, 15),
    )
    reply = create_annotation(
        named["daibieu2"],
        document,
        reply_to=root,
        body="Nhất trí, cần bổ sung lộ trình.",
        created_at=at(1, 20),
    )
    early = create_annotation(
        named["daibieu2"],
        document,
        paragraph=first,
        body="Số liệu năm 2025 chưa khớp báo cáo.",
        created_at=at(1, 30),
    )
    create_annotation(
        named["daibieu3"], document, paragraph=first, body=HIDDEN_BODY, hidden=True, created_at=at(1, 40)
    )
    create_annotation(named["daibieu1"], document, paragraph=first, body=PRIVATE_TEXT, visibility="private")
    x0, y0, x1, _y1 = first.bbox
    highlight = create_annotation(
        named["daibieu1"],
        document,
        "highlight",
        body="",
        target={
            "page": first.page,
            "quads": [[x0, y0, x1, y0 + 14]],
            "quote": first.text[:30],
            "color": "green",
        },
    )
    create_annotation(
        named["daibieu2"], other_document, body="Chương trình nên dành thêm thời gian thảo luận."
    )
    return {
        "overall": overall,
        "root": root,
        "reply": reply,
        "early": early,
        "highlight": highlight,
        "first": first,
        "second": second,
    }


def _flat(text: str) -> str:
    return " ".join(text.split())


def _pdf_text(body: bytes) -> str:
    with pymupdf.open("pdf", body) as pdf:
        return _flat(" ".join(page.get_text() for page in pdf))


# --- The digest PDF ------------------------------------------------------------------------------------


def test_the_digest_pdf_is_a_vietnamese_administrative_report(api, meeting, discussion):
    response = api("chutoa").get(f"/api/meetings/{meeting.id}/digest.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = _pdf_text(response.data)
    for expected in (
        "HỘI ĐỒNG NHÂN DÂN XÃ THẦN SA",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"BÁO CÁO Tổng hợp ý kiến đại biểu về tài liệu kỳ họp {meeting.title}",
        "Thời gian: 08:00 ngày 01/12/2026",
        "Chủ tọa: Đinh Văn Hùng",
        "TỔNG HỢP SỐ LIỆU",
    ):
        assert expected in text, expected
    assert re.search(r"Thần Sa, ngày \d{2} tháng \d{1,2} năm \d{4}", text)


def test_the_digest_pdf_quotes_each_paragraph_and_lists_who_said_what_and_when(api, meeting, discussion):
    text = _pdf_text(api("thuky").get(f"/api/meetings/{meeting.id}/digest.pdf").data)

    first = discussion["first"]
    assert _flat(first.text) in text
    for said in (
        "Nguyễn Thị Hồng Nhung · 08:15 ngày 01/12/2026",
        "Đề nghị làm rõ nguồn kinh phí cho xã vùng cao.",
        "Trần Văn Đức · 08:20 ngày 01/12/2026 · Trả lời",
        "Nhất trí, cần bổ sung lộ trình.",
        "Lò Văn Phúc",
        "Chương trình nên dành thêm thời gian thảo luận.",
    ):
        assert said in text, said
    # The document-wide comment first, then paragraphs in the document's order.
    second = discussion["second"]
    overall = text.index("Tài liệu gửi muộn")
    # Paragraphs are named by the number printed on them, not their rank among all the lines.
    assert (first.label, second.label) == ("1", "3")
    assert overall < text.index("Đoạn 1 (") < text.index("Đoạn 3 (")


def test_the_digest_pdf_never_shows_private_notes_nor_the_words_of_hidden_comments(api, meeting, discussion):
    text = _pdf_text(api("chutoa").get(f"/api/meetings/{meeting.id}/digest.pdf").data)

    assert PRIVATE_TEXT not in text
    assert HIDDEN_BODY not in text
    assert _flat(HIDDEN_TEXT) in text


def test_the_digest_pdf_is_set_in_a_times_metric_serif_numbered_as_the_decree_asks(api, meeting, discussion):
    """Nghị định 30/2020/NĐ-CP: Times New Roman, A4, left margin 30 mm, right 15 mm; page numbers
    at the top centre from page 2 on, none on the first page."""
    body = api("chutoa").get(f"/api/meetings/{meeting.id}/digest.pdf").data

    with pymupdf.open("pdf", body) as pdf:
        fonts = {font[3] for page in pdf for font in page.get_fonts()}
        assert fonts
        assert all("+" in name and "Liberation Serif" in name for name in fonts), fonts  # embedded subsets
        assert all(font[1] != "n/a" for page in pdf for font in page.get_fonts())
        assert pdf.page_count >= 2
        first_lines = [_top_line(page) for page in pdf]
        assert first_lines[0] == "HỘI ĐỒNG NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        assert first_lines[1:] == [str(n) for n in range(2, pdf.page_count + 1)]
        assert pdf[0].rect.width == pytest.approx(595.3, abs=0.5)
        words = pdf[0].get_text("words")
        mm = 72 / 25.4
        assert min(w[0] for w in words) >= 30 * mm - 0.5
        assert max(w[2] for w in words) <= pdf[0].rect.width - 15 * mm + 0.5


def _top_line(page) -> str:
    """The first line of text from the top of the page."""
    top = min(page.get_text("words"), key=lambda word: (round(word[1]), word[0]))
    return " ".join(w[4] for w in page.get_text("words") if abs(w[1] - top[1]) < 2)


def test_another_pdf_reader_renders_the_digest(api, meeting, discussion, tmp_path):
    pdf = tmp_path / "digest.pdf"
    pdf.write_bytes(api("chutoa").get(f"/api/meetings/{meeting.id}/digest.pdf").data)

    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
    )

    image = pymupdf.Pixmap(str(sorted(tmp_path.glob("page-*.png"))[0]))
    dark = sum(1 for i in range(0, len(image.samples), image.n) if image.samples[i] < 128)
    assert dark > 500


@pytest.mark.parametrize("paper", ["digest.pdf", "digest.docx"])
def test_a_meeting_of_no_council_gets_no_made_up_header_but_a_clear_refusal(api, meeting, discussion, paper):
    meeting.council = None
    db.session.commit()

    response = api("thuky").get(f"/api/meetings/{meeting.id}/{paper}")

    assert response.status_code == 409
    assert response.get_json()["error"] == "council_required"
    assert "chưa chọn hội đồng" in response.get_json()["message"]
    assert "VÕ NHAI" not in response.get_data(as_text=True)
    # the tables with no header to print still come
    assert api("thuky").get(f"/api/meetings/{meeting.id}/digest.csv").status_code == 200
    assert api("thuky").get(f"/api/meetings/{meeting.id}/digest.json").status_code == 200


def test_a_councils_meeting_is_reported_under_that_councils_name_and_place(api, meeting, discussion, people):
    from councils.models import Council, CouncilMember

    council = Council(name="Hội đồng nhân dân xã La Hiên", place="La Hiên", level="commune")
    council.roster = [CouncilMember(user_id=membership.user_id) for membership in meeting.memberships]
    meeting.council = council
    db.session.commit()
    chair = api("chutoa")

    pdf = _pdf_text(chair.get(f"/api/meetings/{meeting.id}/digest.pdf").data)
    word = docx.Document(io.BytesIO(chair.get(f"/api/meetings/{meeting.id}/digest.docx").data))
    word_text = "\n".join(
        [p.text for p in word.paragraphs]
        + [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    )

    for text in (pdf, word_text):
        assert "HỘI ĐỒNG NHÂN DÂN" in text
        assert "XÃ LA HIÊN" in text
        assert "La Hiên, ngày" in text
        assert "THẦN SA" not in text


def test_filters_narrow_every_export_format(api, meeting, document, discussion):
    chair = api("chutoa")
    query = {"document": document.id, "since": "2026-12-01T08:18:00+07:00"}

    pdf = _pdf_text(chair.get(f"/api/meetings/{meeting.id}/digest.pdf", query_string=query).data)
    table = chair.get(f"/api/meetings/{meeting.id}/digest.csv", query_string=query).data.decode("utf-8-sig")

    for text in (pdf, table):
        assert "Nhất trí, cần bổ sung lộ trình." in text
        assert "Tài liệu gửi muộn" not in text
        assert "Chương trình nên dành thêm thời gian" not in text


def test_the_pdf_work_happens_in_the_worker_processes(api, meeting, document, discussion, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("PyMuPDF ran in the web process")

    monkeypatch.setattr(pymupdf, "Story", refuse)
    monkeypatch.setattr(pymupdf, "open", refuse)
    chair = api("chutoa")

    assert chair.get(f"/api/meetings/{meeting.id}/digest.pdf").status_code == 200
    assert chair.get(f"/api/documents/{document.id}/annotated.pdf").status_code == 200


class _RecordingThreadpool:
    """gevent's threadpool, noting the OS thread each job ran in."""

    def __init__(self):
        self.threads: list[int] = []

    def apply(self, work, args):
        from gevent import get_hub

        def run(*args):
            self.threads.append(threading.get_ident())
            return work(*args)

        return get_hub().threadpool.apply(run, args)


@pytest.mark.parametrize("route", ["digest.json", "digest.csv", "annotations.jsonld"])
def test_under_gevent_exports_are_encoded_in_another_thread_and_come_out_the_same(
    api, meeting, discussion, monkeypatch, route
):
    from annotations.exports import service

    chair, url = api("chutoa"), f"/api/meetings/{meeting.id}/{route}"
    inline = chair.get(url)
    pool = _RecordingThreadpool()
    monkeypatch.setattr(service.monkey, "is_module_patched", lambda module: module == "threading")
    monkeypatch.setattr(service, "get_hub", lambda: SimpleNamespace(threadpool=pool))

    threaded = chair.get(url)

    assert threaded.status_code == 200
    assert len(pool.threads) == 1
    assert pool.threads[0] != threading.get_ident()
    assert threaded.headers["Content-Type"] == inline.headers["Content-Type"]
    if route == "digest.json":  # stamped with the time it was made
        assert {**threaded.get_json(), "generated_at": None} == {**inline.get_json(), "generated_at": None}
    else:
        assert threaded.data == inline.data


# --- Word and CSV --------------------------------------------------------------------------------------


def test_the_word_report_has_the_same_content_for_the_secretary_to_edit(api, meeting, discussion):
    response = api("thuky").get(f"/api/meetings/{meeting.id}/digest.docx")

    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    report = docx.Document(io.BytesIO(response.data))
    cells = [cell.text for table in report.tables for row in table.rows for cell in row.cells]
    text = _flat(" ".join([p.text for p in report.paragraphs] + cells))
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        f"BÁO CÁO Tổng hợp ý kiến đại biểu về tài liệu kỳ họp {meeting.title}",
        _flat(discussion["first"].text),
        "Nguyễn Thị Hồng Nhung",
        "Đề nghị làm rõ nguồn kinh phí cho xã vùng cao.",
        HIDDEN_TEXT,
        "Theo đại biểu",
    ):
        assert expected in text, expected
    assert PRIVATE_TEXT not in text
    assert HIDDEN_BODY not in text
    section = report.sections[0]  # the page number: top centre, none on the first page
    assert " PAGE " in section.header._element.xml
    assert section.different_first_page_header_footer
    assert " PAGE " not in section.first_page_header._element.xml


def test_the_csv_opens_in_excel_with_one_row_per_comment(api, meeting, document, discussion):
    response = api("chutoa").get(f"/api/meetings/{meeting.id}/digest.csv")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset named once
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    bodies = [row["Ý kiến"] for row in rows]
    assert (
        len(rows) == 6
    )  # four comments, a reply and the hidden one; not the private note, nor the highlight
    assert PRIVATE_TEXT not in bodies
    reply = next(row for row in rows if row["Ý kiến"] == "Nhất trí, cần bổ sung lộ trình.")
    assert reply["Trả lời ý kiến"] == str(discussion["root"].id)
    assert reply["Đại biểu"] == "Trần Văn Đức"
    assert reply["Thời gian"] == "2026-12-01 08:20"
    assert reply["Đoạn"] == _paragraph_label(discussion["root"])  # as printed: "3" for "3. ..."
    hidden = next(row for row in rows if row["Đã ẩn"] == "có")
    assert hidden["Ý kiến"] == HIDDEN_TEXT
    early = next(row for row in rows if row["Ý kiến"].startswith("Số liệu năm 2025"))
    assert early["Trích đoạn"] == discussion["first"].text
    assert early["Trang"] == str(discussion["first"].page)


def _paragraph_label(annotation) -> str:
    paragraph = db.session.get(Paragraph, annotation.paragraph_id)
    assert paragraph.label != str(paragraph.number)
    return paragraph.label


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("http://x.invalid")', "+1", "-5 tỷ đồng", "@SUM(A1)"])
def test_csv_cells_that_excel_would_run_as_formulas_are_defused(
    api, meeting, document, named, body_paragraphs, create_annotation, dangerous
):
    create_annotation(named["daibieu1"], document, paragraph=body_paragraphs[0], body=dangerous)

    text = api("chutoa").get(f"/api/meetings/{meeting.id}/digest.csv").data.decode("utf-8-sig")

    row = next(csv.DictReader(io.StringIO(text)))
    assert row["Ý kiến"] == "'" + dangerous


# --- W3C Web Annotation JSON-LD -----------------------------------------------------------------------


def test_the_json_ld_export_is_a_valid_w3c_annotation_collection(api, meeting, document, discussion):
    response = api("chutoa").get(f"/api/meetings/{meeting.id}/annotations.jsonld")

    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    collection = response.get_json(force=True)
    jsonschema.Draft202012Validator(SCHEMA).validate(collection)
    assert collection["@context"] == "http://www.w3.org/ns/anno.jsonld"
    items = {item["id"].rsplit("-", 1)[1]: item for item in collection["first"]["items"]}
    assert collection["total"] == len(items) == 6  # hidden and private ones stay home
    for item in items.values():
        jsonschema.Draft202012Validator(SCHEMA).validate(item)
        assert item["id"].startswith("http://localhost/api/meetings/")


def test_each_annotation_says_what_it_does_who_made_it_and_where_it_points(
    api, meeting, document, discussion, named
):
    collection = api("chutoa").get(f"/api/meetings/{meeting.id}/annotations.jsonld").get_json(force=True)
    items = {int(item["id"].rsplit("-", 1)[1]): item for item in collection["first"]["items"]}

    comment = items[discussion["early"].id]
    first = discussion["first"]
    assert comment["motivation"] == "commenting"
    assert comment["creator"] == {
        "id": f"urn:phonghop:user:{named['daibieu2'].id}",
        "type": "Person",
        "name": "Trần Văn Đức",
    }  # no login name leaves the system
    assert comment["created"] == "2026-12-01T01:30:00Z"
    assert comment["body"] == {
        "type": "TextualBody",
        "value": "Số liệu năm 2025 chưa khớp báo cáo.",
        "format": "text/plain",
        "language": "vi",
    }
    assert comment["target"]["source"] == {
        "id": f"http://localhost/api/documents/{document.id}/file",
        "format": "application/pdf",
        "language": "vi",
    }
    assert comment["target"]["format"] == "application/pdf"
    fragment = comment["target"]["selector"]
    assert fragment["refinedBy"] == {"type": "TextQuoteSelector", "exact": first.text}
    x0, y0, x1, y1 = first.bbox
    assert fragment["conformsTo"] == "http://tools.ietf.org/rfc/rfc3778"
    assert (
        fragment["value"]
        == f"page={first.page}&viewrect={x0:g},{y0:g},{round(x1 - x0, 2):g},{round(y1 - y0, 2):g}"
    )

    reply = items[discussion["reply"].id]
    assert reply["motivation"] == "replying"
    assert reply["target"] == comment["id"].replace(str(discussion["early"].id), str(discussion["root"].id))

    highlight = items[discussion["highlight"].id]
    assert highlight["motivation"] == "highlighting"
    assert highlight["body"] == {  # a bare mark still says what it is
        "type": "TextualBody",
        "value": "Đánh dấu",
        "purpose": "highlighting",
        "format": "text/plain",
        "language": "vi",
    }
    quote = highlight["target"]["selector"]["refinedBy"]
    assert quote["exact"] == first.text[:30]
    assert quote["suffix"] == " ".join(first.text.split())[30:62]  # the paragraph's text after it
    assert "prefix" not in quote  # it opens the paragraph

    overall = items[discussion["overall"].id]
    assert overall["target"] == {
        "type": "SpecificResource",
        "source": {
            "id": f"http://localhost/api/documents/{document.id}/file",
            "format": "application/pdf",
            "language": "vi",
        },
        "format": "application/pdf",
    }
    pdf = api("daibieu1").get(overall["target"]["source"]["id"].removeprefix("http://localhost"))
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert pdf.data == (MEETING_PACK / "du-thao-nghi-quyet-v1.pdf").read_bytes()


@pytest.mark.parametrize(
    "broken",
    [
        {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "http://x.invalid/1", "type": "Annotation"},
        {"id": "http://x.invalid/1", "type": "Annotation", "target": "http://x.invalid/doc"},
        {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "id": "http://x.invalid/1",
            "type": "Annotation",
            "body": {"type": "TextualBody", "format": "text/plain"},
            "target": "http://x.invalid/doc",
        },
        {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "id": "http://x.invalid/1",
            "type": "Annotation",
            "target": {"type": "SpecificResource", "selector": {"type": "TextQuoteSelector", "exact": "a"}},
        },
        {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "id": "http://x.invalid/1",
            "type": "Annotation",
            "target": {"source": "http://x.invalid/doc", "selector": {"type": "FragmentSelector"}},
        },
        {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "id": "relative/1",
            "type": "Annotation",
            "motivation": "shouting",
            "target": "http://x.invalid/doc",
        },
    ],
    ids=[
        "no-target",
        "no-context",
        "body-without-value",
        "resource-without-source",
        "selector-without-value",
        "bad",
    ],
)
def test_the_schema_rejects_what_the_w3c_model_forbids(broken):
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert not jsonschema.Draft202012Validator(SCHEMA).is_valid(broken)


# --- The PDF with real annotations ---------------------------------------------------------------------


def _points(annot: pymupdf.Annot) -> list:
    """Vertices of any annotation; an Ink annotation's come as one list per stroke."""
    vertices = annot.vertices or []
    return [point for stroke in vertices for point in stroke] if annot.type[1] == "Ink" else vertices


def _annots(body: bytes, page_number: int) -> tuple[list[dict], pymupdf.Matrix]:
    with pymupdf.open("pdf", body) as pdf:
        page = pdf[page_number - 1]
        found = [
            {
                "type": annot.type[1],
                "title": annot.info["title"],
                "content": annot.info["content"],
                "rect": annot.rect * page.rotation_matrix,
                "vertices": [pymupdf.Point(v) * page.rotation_matrix for v in _points(annot)],
                "irt": annot.irt_xref,
                "xref": annot.xref,
                "text": page.get_textbox(annot.rect),
            }
            for annot in page.annots()
        ]
        return found, page.rotation_matrix


def test_the_annotated_pdf_carries_comments_highlights_and_replies_any_reader_shows(
    api, document, discussion
):
    response = api("chutoa").get(f"/api/documents/{document.id}/annotated.pdf")

    assert response.status_code == 200
    first = discussion["first"]
    annots, _ = _annots(response.data, first.page)
    by_content = {a["content"]: a for a in annots}
    highlight = next(a for a in annots if a["type"] == "Highlight")
    assert highlight["title"] == "Nguyễn Thị Hồng Nhung"
    comment = by_content["Số liệu năm 2025 chưa khớp báo cáo."]
    assert (comment["type"], comment["title"]) == ("Text", "Trần Văn Đức")
    x0, y0, _x1, _y1 = first.bbox
    assert comment["rect"].x1 <= x0 + 1
    assert abs(comment["rect"].y0 - y0) < 1
    assert PRIVATE_TEXT not in by_content
    assert HIDDEN_BODY not in by_content
    everywhere = [a for page in range(1, document.page_count + 1) for a in _annots(response.data, page)[0]]
    reply = next(a for a in everywhere if a["content"] == "Nhất trí, cần bổ sung lộ trình.")
    root = next(a for a in everywhere if a["content"] == "Đề nghị làm rõ nguồn kinh phí cho xã vùng cao.")
    assert reply["irt"] == root["xref"]


def test_annotations_land_where_they_were_made_on_a_turned_page(
    api, meeting, named, create_document, create_annotation
):
    report = create_document(named["thuky"], meeting.agenda_items[0], "bao-cao-kinh-te-xa-hoi.pdf")
    page = DocumentPage.query.filter_by(document_id=report.id, number=11).one()
    assert page.rotation == 90
    wx0, wy0, wx1, wy1, word = page.words[12]
    create_annotation(
        named["daibieu1"], report, "highlight", body="Xem lại",
        target={"page": 11, "quads": [[wx0, wy0, wx1, wy1]], "quote": word},
    )  # fmt: skip
    stroke = [[100.0, 120.0], [180.0, 140.0], [260.0, 125.0]]
    create_annotation(
        named["daibieu2"], report, "ink", body="", target={"page": 11, "paths": [stroke], "color": "red"}
    )
    create_annotation(
        named["daibieu3"], report, "note", body="Trang này bị xoay", target={"page": 11, "point": [700, 400]}
    )

    annots, _ = _annots(api("chutoa").get(f"/api/documents/{report.id}/annotated.pdf").data, 11)

    kinds = {a["type"]: a for a in annots}
    assert set(kinds) == {"Highlight", "Ink", "Text"}
    highlight = kinds["Highlight"]
    xs = [v.x for v in highlight["vertices"]]
    ys = [v.y for v in highlight["vertices"]]
    assert (min(xs), min(ys), max(xs), max(ys)) == pytest.approx((wx0, wy0, wx1, wy1), abs=0.2)
    assert word in highlight["text"]
    assert [(round(v.x), round(v.y)) for v in kinds["Ink"]["vertices"]] == [
        (100, 120),
        (180, 140),
        (260, 125),
    ]
    note = kinds["Text"]
    assert (note["title"], note["content"]) == ("Lò Văn Phúc", "Trang này bị xoay")
    assert pymupdf.Rect(699, 399, 721, 421).contains(note["rect"])


# --- Who may export ------------------------------------------------------------------------------------

ROUTES = [
    "/api/meetings/{meeting}/digest.json",
    "/api/meetings/{meeting}/digest.pdf",
    "/api/meetings/{meeting}/digest.docx",
    "/api/meetings/{meeting}/digest.csv",
    "/api/meetings/{meeting}/annotations.jsonld",
    "/api/documents/{document}/annotated.pdf",
]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    ("username", "status"),
    [("chutoa", 200), ("thuky", 200), ("quantri", 200), ("daibieu1", 403), ("nguoingoai", 404)],
)
def test_only_the_chair_secretaries_and_admins_export(
    api, create_user, meeting, document, route, username, status
):
    create_user("quantri", admin=True)
    response = api(username).get(route.format(meeting=meeting.id, document=document.id))

    assert response.status_code == status
    if status != 200:
        assert response.get_json()["error"] in ("forbidden", "meeting_not_found", "document_not_found")


@pytest.mark.parametrize("route", ROUTES)
def test_exports_need_a_login_and_unknown_ids_are_404(client, api, meeting, document, route):
    assert client.get(route.format(meeting=meeting.id, document=document.id)).status_code == 401
    assert api("chutoa").get(route.format(meeting=987654, document=987654)).status_code == 404


def test_a_long_report_is_laid_out_by_both_workers_and_numbered_straight_through(pdf_pool):
    from storage.pdf.fragments import split_fragments

    fragments = [
        f"<h3>Mục {n}</h3>" + "<p>Đề nghị làm rõ nguồn kinh phí thực hiện đề án.</p>" * 40 for n in range(120)
    ]
    assert len(split_fragments(fragments, pdf_pool.size)) == 2

    body = pdf_pool.typeset(fragments, "", "Trang {page}/{pages}")

    with pymupdf.open("pdf", body) as pdf:
        text = _flat(" ".join(page.get_text() for page in pdf))
        assert [int(n) for n in re.findall(r"Mục (\d+)", text)] == list(range(120))
        assert "Trang 1/" not in pdf[0].get_text()  # the first page shows no number
        assert all(f"Trang {n + 1}/{pdf.page_count}" in pdf[n].get_text() for n in range(1, pdf.page_count))
