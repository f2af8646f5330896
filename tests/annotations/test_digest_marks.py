"""The digest lists what delegates marked and typed, not only comments, and follows new versions."""

import io

import docx
import pymupdf
import pytest

from documents.models import Paragraph
from tests.conftest import MEETING_PACK


def _flat(text: str) -> str:
    return " ".join(text.split())


def _pdf_text(body: bytes) -> str:
    with pymupdf.open("pdf", body) as pdf:
        return _flat(" ".join(page.get_text() for page in pdf))


def _docx_lines(body: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(body)).paragraphs]


@pytest.fixture
def body(document):
    return Paragraph.query.filter_by(document_id=document.id, kind="body").order_by(Paragraph.number).all()


def _quad(paragraph):
    return [paragraph.x0 + 1, paragraph.y0 + 1, paragraph.x0 + 60, paragraph.y0 + 12]


@pytest.fixture
def marks(people, document, body, create_annotation):
    """A bare highlight on "2.", one with typed text on "3.", a drawing with text and a note on "4."."""
    second, third, fourth = body[1], body[2], body[3]
    create_annotation(
        people["daibieu1"],
        document,
        "highlight",
        body="",
        target={"page": second.page, "quads": [_quad(second)], "quote": "Bà Vũ"},
    )
    create_annotation(
        people["daibieu2"],
        document,
        "highlight",
        body="Số liệu này cần nguồn",
        target={"page": third.page, "quads": [_quad(third)], "quote": "Cùng với đó"},
    )
    x, y = fourth.x0 + 20, fourth.y0 + 5
    create_annotation(
        people["daibieu3"],
        document,
        "ink",
        body="Khoanh vùng cần sửa",
        target={"page": fourth.page, "paths": [[[x, y], [x + 30, y + 4]]]},
    )
    create_annotation(
        people["daibieu1"],
        document,
        "note",
        body="Hỏi phòng Tài chính",
        target={"page": fourth.page, "point": [x, y]},
    )
    return second, third, fourth


def test_paragraphs_with_only_highlights_or_notes_appear_in_the_pdf_digest(api, meeting, marks):
    text = _pdf_text(api("chutoa").get(f"/api/meetings/{meeting.id}/digest.pdf").data)
    assert "Trang 1 – Đoạn 2 (1 lượt đánh dấu)" in text
    assert "Đoạn 3 (1 lượt đánh dấu)" in text  # typed on the highlight: still one mark, not a note too
    assert "Số liệu này cần nguồn" in text
    assert "Đánh dấu “Cùng với đó”" in text
    assert "Khoanh vùng cần sửa" in text
    assert "Đoạn 4 (1 ghi chú · 1 lượt đánh dấu)" in text
    assert "ý kiến)" not in text  # nobody commented: no paragraph is headed with "ý kiến"


def test_paragraphs_with_only_highlights_or_notes_appear_in_the_docx_digest(api, meeting, marks):
    lines = _docx_lines(api("chutoa").get(f"/api/meetings/{meeting.id}/digest.docx").data)
    assert "Trang 1 – Đoạn 2 (1 lượt đánh dấu)" in lines
    assert "Trang 1 – Đoạn 4 (1 ghi chú · 1 lượt đánh dấu)" in lines
    assert "Số liệu này cần nguồn" in lines
    assert "Khoanh vùng cần sửa" in lines


def test_a_line_break_in_a_comment_starts_a_new_line_without_stretching_the_one_before(
    api, meeting, people, document, body, create_annotation
):
    create_annotation(people["daibieu1"], document, paragraph=body[0], body="Thứ nhất\nThứ hai, rất dài")
    lines = _docx_lines(api("chutoa").get(f"/api/meetings/{meeting.id}/digest.docx").data)
    at = lines.index("Thứ nhất")
    assert lines[at + 1] == "Thứ hai, rất dài"
    # Word and LibreOffice stretch a justified line that ends in a manual line break
    report = docx.Document(io.BytesIO(api("chutoa").get(f"/api/meetings/{meeting.id}/digest.docx").data))
    assert not report.element.body.xpath(".//w:br")


def test_the_digest_of_a_new_version_tells_what_each_carried_comment_became(
    api, meeting, people, document, body, create_annotation
):
    removed = next(p for p in body if p.text.startswith("6. Là thành viên"))
    edited = next(p for p in body if p.text.startswith("3. Cùng với đó"))
    moved = next(p for p in body if p.text.startswith("7. Còn bà"))
    create_annotation(people["daibieu1"], document, paragraph=removed, body="Đoạn này thừa")
    create_annotation(people["daibieu2"], document, paragraph=edited, body="Cần viết lại đoạn này")
    create_annotation(people["daibieu3"], document, paragraph=moved, body="Nhất trí")
    response = api("thuky").post(
        f"/api/documents/{document.id}/replace",
        data={"file": (io.BytesIO((MEETING_PACK / "du-thao-nghi-quyet-v2.pdf").read_bytes()), "v2.pdf")},
        content_type="multipart/form-data",
    )
    new_id = response.get_json()["id"]

    text = _pdf_text(api("chutoa").get(f"/api/meetings/{meeting.id}/digest.pdf?document={new_id}").data)
    assert "Đoạn 3 (1 ý kiến · đoạn đã sửa so với bản trước)" in text
    assert "mang sang từ bản trước · đoạn đã được sửa Cần viết lại đoạn này" in text
    assert "Đoạn 6 (1 ý kiến)" in text
    assert "Ý kiến về các đoạn đã bị bỏ ở bản này" in text
    assert text.index("Ý kiến về các đoạn đã bị bỏ") < text.index("Đoạn này thừa")
    digest = api("chutoa").get(f"/api/meetings/{meeting.id}/digest.json?document={new_id}").get_json()
    (doc,) = [d for item in digest["agenda"] for d in item["documents"]]
    assert [e["body"] for e in doc["orphaned"]] == ["Đoạn này thừa"]
    assert [e["carried"] for e in doc["orphaned"]] == ["orphaned"]
    by_label = {p["label"]: p for p in doc["paragraphs"]}
    assert by_label["3"]["change"] == "edited"
    assert by_label["3"]["entries"][0]["carried"] == "edited"
    assert by_label["6"]["entries"][0]["carried"] == "unchanged"


def test_a_carried_comment_is_reported_once_on_the_new_version(
    api, meeting, people, document, body, create_annotation
):
    create_annotation(people["daibieu1"], document, paragraph=body[0], body="Chỉ một lần thôi")
    response = api("thuky").post(
        f"/api/documents/{document.id}/replace",
        data={"file": (io.BytesIO((MEETING_PACK / "du-thao-nghi-quyet-v2.pdf").read_bytes()), "v2.pdf")},
        content_type="multipart/form-data",
    )
    new_id = response.get_json()["id"]
    digest = api("chutoa").get(f"/api/meetings/{meeting.id}/digest.json").get_json()
    documents = [d for item in digest["agenda"] for d in item["documents"]]
    assert [d["id"] for d in documents if d["paragraphs"] or d["general"]] == [new_id]
    text = _pdf_text(api("chutoa").get(f"/api/meetings/{meeting.id}/digest.pdf").data)
    assert text.count("Chỉ một lần thôi") == 1
    # asked for the old version alone, the chair still sees what was said on it
    old_only = api("chutoa").get(f"/api/meetings/{meeting.id}/digest.json?document={document.id}").get_json()
    (old,) = [d for item in old_only["agenda"] for d in item["documents"]]
    assert old["paragraphs"][0]["entries"][0]["body"] == "Chỉ một lần thôi"


def test_a_carried_comment_its_author_deleted_on_the_new_version_leaves_the_digest(
    api, meeting, people, document, body, create_annotation
):
    import uuid

    from annotations.models import Annotation
    from annotations.schemas import AnnotationRef
    from annotations.service import delete_annotation

    create_annotation(people["daibieu1"], document, paragraph=body[0], body="Tôi rút lại ý kiến này")
    response = api("thuky").post(
        f"/api/documents/{document.id}/replace",
        data={"file": (io.BytesIO((MEETING_PACK / "du-thao-nghi-quyet-v2.pdf").read_bytes()), "v2.pdf")},
        content_type="multipart/form-data",
    )
    new_id = response.get_json()["id"]
    copy = Annotation.query.filter_by(document_id=new_id).one()
    delete_annotation(
        people["daibieu1"], AnnotationRef(op_id=str(uuid.uuid4()), document_id=new_id, id=copy.id)
    )

    text = _pdf_text(api("chutoa").get(f"/api/meetings/{meeting.id}/digest.pdf").data)
    assert "Tôi rút lại ý kiến này" not in text
