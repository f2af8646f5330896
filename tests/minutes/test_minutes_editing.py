"""The secretary writes what only a person can; the rest follows the record until the chair locks it."""

import io
import subprocess
from datetime import datetime

import docx
import pytest

from audit.models import AuditEvent
from core.extensions import db
from meetings.models import Membership
from meetings.schemas import NewAgendaItem
from meetings.service import add_agenda_item
from minutes import drafting


def _docx_lines(api, who, meeting) -> list[str]:
    body = api(who).get(f"/api/meetings/{meeting.id}/minutes.docx").data
    return [p.text for p in docx.Document(io.BytesIO(body)).paragraphs]


def _conclusion(meeting) -> str:
    return f"/api/meetings/{meeting.id}/minutes/paragraphs/item-{meeting.agenda_items[0].id}"


def test_the_secretary_writes_the_chairs_conclusion_and_it_is_in_the_minutes(api, meeting):
    state = api("thuky").get(f"/api/meetings/{meeting.id}/minutes").get_json()
    assert [p["kind"] for p in state["paragraphs"]] == ["conclusion", "conclusion"]
    assert state["state"] == "draft"
    response = api("thuky").put(_conclusion(meeting), json={"text": "Thống nhất thông qua dự thảo."})
    assert response.status_code == 200
    assert response.get_json()["paragraphs"][0]["text"] == "Thống nhất thông qua dự thảo."
    assert "Thống nhất thông qua dự thảo." in _docx_lines(api, "chutoa", meeting)


def test_a_change_in_the_record_after_the_last_edit_is_listed(api, meeting, people, create_document):
    api("thuky").put(_conclusion(meeting), json={"text": "Kết luận."})
    assert api("thuky").get(f"/api/meetings/{meeting.id}/minutes").get_json()["changes"] == []
    document = create_document(people["thuky"], meeting.agenda_items[1], "chuong-trinh-ky-hop.pdf")
    changes = api("thuky").get(f"/api/meetings/{meeting.id}/minutes").get_json()["changes"]
    assert {"change": "removed", "line": "Không có tài liệu."} in changes
    assert {"change": "added", "line": f"- {document.title}."} in changes


def test_a_paragraph_that_is_not_in_the_minutes_is_not_found(api, meeting):
    response = api("thuky").put(
        f"/api/meetings/{meeting.id}/minutes/paragraphs/item-999999", json={"text": "x"}
    )
    assert response.status_code == 404
    assert response.get_json()["error"] == "minutes_paragraph_not_found"


def test_finalised_minutes_are_locked_and_a_later_change_is_a_new_version_with_its_reason(api, meeting):
    api("thuky").put(_conclusion(meeting), json={"text": "Kết luận ban đầu."})
    final = api("chutoa").post(f"/api/meetings/{meeting.id}/minutes/finalise", json={})
    assert final.get_json()["state"] == "final"
    assert final.get_json()["version"] == 1
    refused = api("thuky").put(_conclusion(meeting), json={"text": "Sửa sau khi chốt."})
    assert (refused.status_code, refused.get_json()["error"]) == (409, "minutes_final")
    no_reason = api("chutoa").put(_conclusion(meeting), json={"text": "Sửa sau khi chốt."})
    assert (no_reason.status_code, no_reason.get_json()["error"]) == (400, "minutes_reason_required")
    changed = api("chutoa").put(
        _conclusion(meeting), json={"text": "Kết luận đã sửa.", "reason": "Sai chính tả"}
    )
    assert changed.get_json()["version"] == 2
    lines = _docx_lines(api, "thuky", meeting)
    assert "Kết luận đã sửa." in lines
    assert "Kết luận ban đầu." not in lines
    events = AuditEvent.query.filter_by(meeting_id=meeting.id, action="minutes_finalised").all()
    assert [(e.detail["version"], e.detail["reason"]) for e in events] == [(1, ""), (2, "Sai chính tả")]


def test_finalised_minutes_do_not_follow_later_changes_to_the_agenda(api, meeting):
    api("chutoa").post(f"/api/meetings/{meeting.id}/minutes/finalise", json={})
    api("thuky").patch(f"/api/agenda/{meeting.agenda_items[0].id}", json={"title": "Tên đổi sau khi chốt"})
    lines = _docx_lines(api, "chutoa", meeting)
    assert "I. Dự thảo nghị quyết" in lines
    assert "I. Tên đổi sau khi chốt" not in lines


@pytest.mark.parametrize("who", ["thuky", "daibieu1"])
def test_only_the_chair_finalises_the_minutes(api, meeting, who):
    assert api(who).post(f"/api/meetings/{meeting.id}/minutes/finalise", json={}).status_code == 403


def test_finalising_twice_keeps_one_version(api, meeting):
    api("chutoa").post(f"/api/meetings/{meeting.id}/minutes/finalise", json={})
    again = api("chutoa").post(f"/api/meetings/{meeting.id}/minutes/finalise", json={})
    assert again.get_json()["version"] == 1
    assert AuditEvent.query.filter_by(meeting_id=meeting.id, action="minutes_finalised").count() == 1


def test_the_demo_minutes_open_with_the_chairs_conclusion_on_item_one(app, create_user):
    from meetings.models import Meeting
    from minutes.demo import DEMO_CONCLUSION, add_demo_minutes

    secretary = create_user("thuky")
    meeting = Meeting(title="Kỳ họp mẫu", starts_at=datetime(2026, 12, 1, 1, 0), created_by_id=secretary.id)
    db.session.add(meeting)
    db.session.flush()
    db.session.add(Membership(meeting=meeting, user=secretary, role="secretary"))
    assert meeting.agenda_items == []  # loaded before the items exist, as in `flask demo`
    add_agenda_item(secretary, meeting.id, NewAgendaItem(title="Báo cáo"))
    add_agenda_item(secretary, meeting.id, NewAgendaItem(title="Chương trình"))
    add_demo_minutes(secretary, meeting)
    state = drafting.draft_state(secretary, meeting.id, "Hội đồng nhân dân xã Thần Sa", "Thần Sa")
    assert state["paragraphs"][0]["text"] == DEMO_CONCLUSION


def _appendix(api, meeting, paper: str, tmp_path) -> str:
    """The appendix (the chair's digest of written comments) of the minutes as downloaded, from
    "PHỤ LỤC" to the end: the PDF read by pdftotext, the DOCX by python-docx."""
    body = api("chutoa").get(f"/api/meetings/{meeting.id}/minutes.{paper}").data
    if paper == "pdf":
        path = tmp_path / "bien-ban.pdf"
        path.write_bytes(body)
        text = subprocess.run(
            ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    else:
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(body)).paragraphs)
    text = " ".join(text.split())
    assert "PHỤ LỤC" in text
    return text[text.index("PHỤ LỤC") :]


@pytest.mark.parametrize("paper", ["pdf", "docx"])
def test_finalised_minutes_keep_the_digest_appendix_as_it_stood_when_finalised(
    api, meeting, people, document, first_paragraph, create_annotation, paper, tmp_path
):
    """The chair's digest is attached as an appendix and frozen with the version: a comment written
    after finalising is not in that version's appendix, and is in the next version's."""
    create_annotation(people["daibieu1"], document, paragraph=first_paragraph, body="Ý kiến trước khi chốt.")
    db.session.commit()
    api("thuky").put(_conclusion(meeting), json={"text": "Kết luận ban đầu."})
    assert api("chutoa").post(f"/api/meetings/{meeting.id}/minutes/finalise", json={}).status_code == 200
    finalised = _appendix(api, meeting, paper, tmp_path)
    assert "Ý kiến trước khi chốt." in finalised

    create_annotation(people["daibieu2"], document, paragraph=first_paragraph, body="Ý kiến sau khi chốt.")
    db.session.commit()
    assert _appendix(api, meeting, paper, tmp_path) == finalised

    changed = api("chutoa").put(_conclusion(meeting), json={"text": "Kết luận sửa.", "reason": "Bổ sung"})
    assert changed.get_json()["version"] == 2
    second = _appendix(api, meeting, paper, tmp_path)
    assert "Ý kiến trước khi chốt." in second
    assert "Ý kiến sau khi chốt." in second
