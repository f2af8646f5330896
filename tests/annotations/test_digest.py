"""The chair's digest: what delegates shared, grouped per agenda item, document and paragraph."""

from datetime import datetime

import pytest

from documents.models import Paragraph


@pytest.fixture
def paragraphs(document):
    return Paragraph.query.filter_by(document_id=document.id).order_by(Paragraph.number).all()


@pytest.fixture
def chair(api, meeting):
    return api("chutoa")


def _digest(caller, meeting, **params):
    response = caller.get(f"/api/meetings/{meeting.id}/digest.json", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _document(digest, document_id):
    return next(d for item in digest["agenda"] for d in item["documents"] if d["id"] == document_id)


def test_comments_are_grouped_by_agenda_item_document_and_paragraph_in_document_order(
    chair, meeting, document, other_document, paragraphs, people, create_annotation
):
    later, earlier = paragraphs[3], paragraphs[1]
    create_annotation(people["daibieu1"], document, paragraph=later, body="Ý kiến về đoạn sau")
    create_annotation(people["daibieu2"], document, paragraph=earlier, body="Ý kiến về đoạn trước")
    create_annotation(people["daibieu3"], other_document, body="Chương trình dày quá")

    digest = _digest(chair, meeting)

    assert [item["title"] for item in digest["agenda"]] == ["Dự thảo nghị quyết", "Chương trình"]
    first = _document(digest, document.id)
    assert [p["number"] for p in first["paragraphs"]] == [earlier.number, later.number]
    assert first["paragraphs"][0]["text"] == earlier.text
    assert first["paragraphs"][0]["entries"][0]["author"]["name"] == "Daibieu2"
    assert _document(digest, other_document.id)["general"][0]["body"] == "Chương trình dày quá"


def test_comments_on_the_whole_document_come_before_those_on_paragraphs(
    chair, meeting, document, paragraphs, people, create_annotation
):
    create_annotation(people["daibieu1"], document, paragraph=paragraphs[0], body="Về đoạn 1")
    create_annotation(people["daibieu2"], document, body="Về cả tài liệu")

    first = _document(_digest(chair, meeting), document.id)

    assert [e["body"] for e in first["general"]] == ["Về cả tài liệu"]
    assert [e["body"] for e in first["paragraphs"][0]["entries"]] == ["Về đoạn 1"]


def test_replies_are_nested_under_the_comment_they_answer_in_time_order(
    chair, meeting, document, paragraphs, people, create_annotation
):
    root = create_annotation(
        people["daibieu1"], document, paragraph=paragraphs[0], body="Cần làm rõ kinh phí"
    )
    create_annotation(
        people["daibieu3"],
        document,
        reply_to=root,
        body="Trả lời thứ hai",
        created_at=datetime(2026, 12, 1, 3),
    )
    create_annotation(
        people["daibieu2"],
        document,
        reply_to=root,
        body="Trả lời thứ nhất",
        created_at=datetime(2026, 12, 1, 2, 30),
    )

    paragraph = _document(_digest(chair, meeting), document.id)["paragraphs"][0]

    assert len(paragraph["entries"]) == 1
    assert [r["body"] for r in paragraph["entries"][0]["replies"]] == ["Trả lời thứ nhất", "Trả lời thứ hai"]
    assert (paragraph["comments"], paragraph["replies"]) == (1, 2)  # a reply is not a comment


def test_private_and_deleted_annotations_never_reach_the_digest(
    chair, meeting, document, paragraphs, people, create_annotation
):
    create_annotation(
        people["daibieu1"], document, paragraph=paragraphs[0], body="Ghi nhớ riêng", visibility="private"
    )
    create_annotation(people["daibieu2"], document, paragraph=paragraphs[0], body="Đã xóa", deleted=True)
    create_annotation(people["daibieu3"], document, paragraph=paragraphs[0], body="Ý kiến chung")

    text = str(_digest(chair, meeting))

    assert "Ý kiến chung" in text
    assert "Ghi nhớ riêng" not in text
    assert "Đã xóa" not in text


def test_hidden_comments_are_marked_for_the_chair(
    chair, meeting, document, paragraphs, people, create_annotation
):
    create_annotation(
        people["daibieu1"], document, paragraph=paragraphs[0], body="Lời lẽ không phù hợp", hidden=True
    )

    first = _document(_digest(chair, meeting), document.id)

    entry = first["paragraphs"][0]["entries"][0]
    assert entry["hidden"] is True
    assert first["counts"]["hidden"] == 1


def test_highlights_and_notes_count_on_the_paragraph_under_them(
    chair, meeting, document, paragraphs, people, create_annotation
):
    paragraph = paragraphs[6]
    x0, y0, x1, _y1 = paragraph.bbox
    quad = [x0 + 1, y0 + 1, (x0 + x1) / 2, y0 + 10]
    for author in ("daibieu1", "daibieu2"):
        create_annotation(
            people[author],
            document,
            "highlight",
            body="",
            target={"page": paragraph.page, "quads": [quad], "quote": "x"},
        )
    create_annotation(
        people["daibieu3"],
        document,
        "note",
        body="Xem lại số liệu",
        target={"page": paragraph.page, "point": [x1 - 5, y0 + 5]},
    )

    digest = _digest(chair, meeting)
    found = _document(digest, document.id)["paragraphs"][0]

    assert (found["number"], found["highlights"]) == (paragraph.number, 2)
    assert [e["kind"] for e in found["entries"]] == ["note"]
    delegates = {d["name"]: d for d in digest["delegates"]}
    assert delegates["Daibieu1"]["highlights"] == 1
    assert delegates["Daibieu3"]["notes"] == 1


def test_filters_narrow_the_digest_to_an_agenda_item_a_document_and_a_time_window(
    chair, meeting, document, other_document, paragraphs, people, create_annotation
):
    create_annotation(
        people["daibieu1"],
        document,
        paragraph=paragraphs[0],
        body="Sáng",
        created_at=datetime(2026, 12, 1, 1),
    )
    create_annotation(
        people["daibieu1"],
        document,
        paragraph=paragraphs[0],
        body="Chiều",
        created_at=datetime(2026, 12, 1, 7),
    )
    create_annotation(people["daibieu2"], other_document, body="Chương trình")

    by_item = _digest(chair, meeting, agenda_item=meeting.agenda_items[1].id)
    by_document = _digest(chair, meeting, document=document.id)
    # 13:00 in Hà Nội is 06:00 UTC: only the afternoon comment is later.
    afternoon = _digest(chair, meeting, since="2026-12-01T13:00:00+07:00")
    morning = _digest(chair, meeting, until="2026-12-01T06:00:00Z", document=document.id)

    assert [item["title"] for item in by_item["agenda"]] == ["Chương trình"]
    assert [d["id"] for item in by_document["agenda"] for d in item["documents"]] == [document.id]
    assert "Chiều" in str(afternoon)
    assert "Sáng" not in str(afternoon)
    assert "Sáng" in str(morning)
    assert "Chiều" not in str(morning)


@pytest.mark.parametrize(
    "params",
    [
        {"agenda_item": "abc"},
        {"agenda_item": "0"},
        {"document": "-3"},
        {"document": "99999999999999999999999"},
        {"since": "hôm qua"},
        {"until": "2026-13-45"},
        {"since": "2026-12-02T00:00:00Z", "until": "2026-12-01T00:00:00Z"},
    ],
)
@pytest.mark.parametrize("fmt", ["json", "pdf", "docx", "csv"])
def test_bad_filter_values_are_refused_with_a_clear_400(chair, meeting, params, fmt):
    response = chair.get(f"/api/meetings/{meeting.id}/digest.{fmt}", query_string=params)

    assert response.status_code == 400
    assert response.get_json()["error"] == "validation_error"


def test_filters_naming_another_meetings_item_or_document_are_refused(
    chair, meeting, document, people, create_meeting, create_document
):
    elsewhere = create_meeting(people["thuky"], chair=people["chutoa"], agenda=("Khác",))
    foreign_document = create_document(people["thuky"], elsewhere.agenda_items[0], "chuong-trinh-ky-hop.pdf")

    for params in (
        {"agenda_item": elsewhere.agenda_items[0].id},
        {"document": foreign_document.id},
        {"agenda_item": meeting.agenda_items[1].id, "document": document.id},
    ):
        response = chair.get(f"/api/meetings/{meeting.id}/digest.json", query_string=params)
        assert response.status_code == 400, params
        assert response.get_json()["error"] == "digest_filter_outside_meeting"


@pytest.mark.parametrize(
    ("username", "status"), [("chutoa", 200), ("thuky", 200), ("daibieu1", 403), ("nguoingoai", 404)]
)
def test_only_the_chair_and_secretary_open_the_digest_page(api, meeting, username, status):
    response = api(username).get(f"/meetings/{meeting.id}/digest", headers={"Accept": "text/html"})

    assert response.status_code == status
    if status == 200:
        page = response.get_data(as_text=True)
        assert "digest.js" in page
        assert meeting.title in page
