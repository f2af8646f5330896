"""Delegates review the draft minutes as a document of the meeting; comments follow it to the next draft."""

import io

import docx
from sqlalchemy import select

from annotations.models import Annotation
from core.extensions import db
from documents.models import Document, Paragraph
from minutes.review import REVIEW_ITEM


def test_a_delegate_reads_the_published_draft_and_the_next_draft_keeps_their_comment(
    api, meeting, people, create_annotation
):
    first = api("thuky").post(f"/api/meetings/{meeting.id}/minutes/publish")
    assert first.status_code == 201
    draft = db.session.get(Document, first.get_json()["document_id"])
    assert draft.agenda_item.title == REVIEW_ITEM
    assert api("daibieu1").get(f"/api/documents/{draft.id}").status_code == 200
    paragraph = db.session.scalars(
        select(Paragraph).where(Paragraph.document_id == draft.id, Paragraph.kind == "body").limit(1)
    ).first()
    create_annotation(people["daibieu1"], draft, paragraph=paragraph, body="Đề nghị ghi rõ giờ khai mạc.")
    db.session.commit()
    second = api("thuky").post(f"/api/meetings/{meeting.id}/minutes/publish").get_json()
    assert second["version"] == 2
    carried = db.session.scalars(select(Annotation).where(Annotation.document_id == second["document_id"]))
    assert [a.body for a in carried] == ["Đề nghị ghi rõ giờ khai mạc."]
    state = api("thuky").get(f"/api/meetings/{meeting.id}/minutes").get_json()
    assert state["document_id"] == second["document_id"]


def test_the_review_item_is_no_part_of_the_minutes_themselves(api, meeting):
    api("thuky").post(f"/api/meetings/{meeting.id}/minutes/publish")
    body = api("thuky").get(f"/api/meetings/{meeting.id}/minutes.docx").data
    text = [p.text for p in docx.Document(io.BytesIO(body)).paragraphs]
    assert "II. Chương trình" in text
    assert not any(REVIEW_ITEM in line for line in text)


def test_the_chair_does_not_publish_the_draft(api, meeting):
    assert api("chutoa").post(f"/api/meetings/{meeting.id}/minutes/publish").status_code == 403
