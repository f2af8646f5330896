"""The digest's tables count what was said once, over every document: the CSV, the JSON, the PDF
(read by pdftotext) and the Word file (read by python-docx) tell the chair the same numbers."""

import csv
import io
import re
import subprocess
from collections import Counter

import docx
import pymupdf
import pytest

from documents.models import Paragraph

KINDS = {"Ý kiến": "comments", "Trả lời": "replies", "Ghi chú": "notes", "Đánh dấu": "highlights"}


def _body(document):
    return Paragraph.query.filter_by(document_id=document.id, kind="body").order_by(Paragraph.number).all()


def _quad(paragraph):
    return [paragraph.x0 + 1, paragraph.y0 + 1, paragraph.x0 + 60, paragraph.y0 + 12]


@pytest.fixture
def debate(people, document, other_document, create_annotation):
    """Daibieu1 speaks only on the first document, Daibieu2 on both, Daibieu3 only on the last."""
    first, last = _body(document), _body(other_document)
    d1, d2, d3 = people["daibieu1"], people["daibieu2"], people["daibieu3"]
    opened = create_annotation(d1, document, paragraph=first[0], body="Ý kiến một")
    create_annotation(d1, document, paragraph=first[1], body="Ý kiến hai")
    create_annotation(d1, document, paragraph=first[2], body="Ý kiến ba")
    create_annotation(d2, document, reply_to=opened, body="Trả lời ý kiến một")
    create_annotation(
        d2,
        document,
        "highlight",
        body="Đánh dấu có lời",
        target={"page": first[3].page, "quads": [_quad(first[3])], "quote": "x"},
    )
    create_annotation(
        d2,
        document,
        "note",
        body="Ghi chú của đại biểu hai",
        target={"page": first[4].page, "point": [first[4].x0 + 5, first[4].y0 + 5]},
    )
    create_annotation(d2, other_document, paragraph=last[0], body="Ý kiến về chương trình")
    create_annotation(d3, other_document, body="Ý kiến chung về chương trình")
    return {
        "Daibieu1": {"comments": 3, "replies": 0, "notes": 0, "highlights": 0, "documents": 1},
        "Daibieu2": {"comments": 1, "replies": 1, "notes": 1, "highlights": 1, "documents": 2},
        "Daibieu3": {"comments": 1, "replies": 0, "notes": 0, "highlights": 0, "documents": 1},
    }


def _from_csv(body: bytes) -> dict:
    counts: dict[str, Counter] = {}
    for row in csv.DictReader(io.StringIO(body.decode("utf-8-sig"))):
        counts.setdefault(row["Đại biểu"], Counter())[KINDS[row["Loại"]]] += 1
        counts[row["Đại biểu"]]["documents"] = 0
    return counts


def _pdf_rows(body: bytes, tmp_path) -> dict:
    """The "Theo đại biểu" table as pdftotext lays it out: "1 Daibieu1 3 0 0 0 1"."""
    path = tmp_path / "digest.pdf"
    path.write_bytes(body)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    table = text[text.index("Theo đại biểu") :]
    rows = {}
    for line in table.splitlines():
        if match := re.match(r"\s*\d+\s+(Daibieu\d)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$", line):
            rows[match.group(1)] = [int(n) for n in match.groups()[1:]]
    return rows


def _docx_rows(body: bytes) -> dict:
    table = docx.Document(io.BytesIO(body)).tables[-2]  # the last table is the signature block
    assert table.rows[0].cells[1].text == "Đại biểu"
    return {row.cells[1].text: [int(c.text) for c in row.cells[2:]] for row in table.rows[1:]}


def test_the_per_delegate_table_counts_every_document_and_agrees_with_the_csv(api, meeting, debate, tmp_path):
    chair = api("chutoa")
    expected = {
        name: [c["comments"], c["replies"], c["notes"], c["highlights"], c["documents"]]
        for name, c in debate.items()
    }

    digest = chair.get(f"/api/meetings/{meeting.id}/digest.json").get_json()
    delegates = {
        d["name"]: [d["comments"], d["replies"], d["notes"], d["highlights"], d["documents"]]
        for d in digest["delegates"]
    }
    table = _from_csv(chair.get(f"/api/meetings/{meeting.id}/digest.csv").data)
    pdf = _pdf_rows(chair.get(f"/api/meetings/{meeting.id}/digest.pdf").data, tmp_path)
    word = _docx_rows(chair.get(f"/api/meetings/{meeting.id}/digest.docx").data)

    assert delegates == expected
    assert pdf == expected
    assert word == expected
    for name, counts in expected.items():  # the CSV lists every one of them, once
        assert [table[name][kind] for kind in ("comments", "replies", "notes", "highlights")] == counts[:4]


def test_the_per_document_table_adds_up_to_the_per_delegate_table(api, meeting, debate):
    digest = api("chutoa").get(f"/api/meetings/{meeting.id}/digest.json").get_json()
    documents = [d["counts"] for item in digest["agenda"] for d in item["documents"]]
    for kind in ("comments", "replies", "notes", "highlights"):
        assert sum(d[kind] for d in documents) == sum(p[kind] for p in digest["delegates"]), kind


def test_a_highlight_or_drawing_with_text_counts_once_as_a_mark(
    api, meeting, people, document, create_annotation
):
    paragraph = _body(document)[2]
    x, y = paragraph.x0 + 20, paragraph.y0 + 5
    create_annotation(
        people["daibieu1"],
        document,
        "highlight",
        body="Số liệu này cần nguồn",
        target={"page": paragraph.page, "quads": [_quad(paragraph)], "quote": "Cùng với đó"},
    )
    create_annotation(
        people["daibieu2"],
        document,
        "ink",
        body="Khoanh vùng cần sửa",
        target={"page": paragraph.page, "paths": [[[x, y], [x + 30, y + 4]]]},
    )

    digest = api("chutoa").get(f"/api/meetings/{meeting.id}/digest.json").get_json()
    (found,) = [d for item in digest["agenda"] for d in item["documents"] if d["id"] == document.id]

    assert found["counts"]["highlights"] == 2
    assert found["counts"]["notes"] == 0
    (listed,) = found["paragraphs"]
    assert (listed["highlights"], listed["notes"], listed["comments"]) == (2, 0, 0)
    assert [e["body"] for e in listed["entries"]] == ["Số liệu này cần nguồn", "Khoanh vùng cần sửa"]
    assert {d["name"]: (d["highlights"], d["notes"]) for d in digest["delegates"]} == {
        "Daibieu1": (1, 0),
        "Daibieu2": (1, 0),
    }


def test_a_paragraph_heading_counts_replies_apart_from_comments(
    api, meeting, people, document, create_annotation
):
    paragraph = _body(document)[0]
    one = create_annotation(people["daibieu1"], document, paragraph=paragraph, body="Thứ nhất")
    two = create_annotation(people["daibieu2"], document, paragraph=paragraph, body="Thứ hai")
    create_annotation(people["daibieu3"], document, reply_to=one, body="Đáp một")
    create_annotation(people["daibieu3"], document, reply_to=two, body="Đáp hai")
    chair = api("chutoa")

    digest = chair.get(f"/api/meetings/{meeting.id}/digest.json").get_json()
    listed = digest["agenda"][0]["documents"][0]["paragraphs"][0]
    pdf = chair.get(f"/api/meetings/{meeting.id}/digest.pdf").data
    word = docx.Document(io.BytesIO(chair.get(f"/api/meetings/{meeting.id}/digest.docx").data))

    assert (listed["comments"], listed["replies"]) == (2, 2)
    with pymupdf.open("pdf", pdf) as opened:
        text = " ".join(" ".join(page.get_text().split()) for page in opened)
    assert "Đoạn 1 (2 ý kiến · 2 trả lời)" in text
    assert "4 ý kiến" not in text
    assert any(p.text.endswith("Đoạn 1 (2 ý kiến · 2 trả lời)") for p in word.paragraphs)
