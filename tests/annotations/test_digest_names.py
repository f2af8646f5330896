"""Each paragraph the digest lists is named so that the name points to it alone."""

import csv
import io

import docx
import pymupdf

from documents.models import Paragraph


def test_an_unnumbered_title_and_the_printed_one_are_never_both_called_doan_1(
    api, meeting, people, document, create_annotation
):
    paragraphs = Paragraph.query.filter_by(document_id=document.id).order_by(Paragraph.number).all()
    title, printed = paragraphs[0], next(p for p in paragraphs if p.label == "1")
    assert (title.number, title.label) == (1, None)
    create_annotation(people["daibieu1"], document, paragraph=title, body="Về tiêu đề")
    create_annotation(people["daibieu2"], document, paragraph=printed, body="Về đoạn in số 1")
    chair = api("chutoa")

    digest = chair.get(f"/api/meetings/{meeting.id}/digest.json").get_json()
    listed = digest["agenda"][0]["documents"][0]["paragraphs"]
    with pymupdf.open("pdf", chair.get(f"/api/meetings/{meeting.id}/digest.pdf").data) as pdf:
        text = " ".join(" ".join(page.get_text().split()) for page in pdf)
    word = [
        p.text
        for p in docx.Document(
            io.BytesIO(chair.get(f"/api/meetings/{meeting.id}/digest.docx").data)
        ).paragraphs
    ]
    rows = chair.get(f"/api/meetings/{meeting.id}/digest.csv").data.decode("utf-8-sig")

    assert [p["citation"] for p in listed] == ["Đoạn “HỘI ĐỒNG NHÂN DÂN HUYỆN VÕ…”", "Đoạn 1"]
    assert "Trang 1 – Đoạn “HỘI ĐỒNG NHÂN DÂN HUYỆN VÕ…” (1 ý kiến)" in text
    assert text.count("Đoạn 1 (") == 1
    assert sum(line.startswith("Trang 1 – Đoạn 1 (") for line in word) == 1
    assert len({row["Đoạn"] for row in csv.DictReader(io.StringIO(rows))}) == 2
    # the paragraph list the reader gets names it the same way
    api_listed = chair.get(f"/api/documents/{document.id}/paragraphs").get_json()
    assert api_listed[0]["citation"] == "Đoạn “HỘI ĐỒNG NHÂN DÂN HUYỆN VÕ…”"
