"""Questioning (chất vấn): a question to a guest, its answer and follow-up, the commitments made in
it, and those commitments coming back at the council's next meeting."""

import pytest

from core.transactions import unit_of_work


def _ask(api, hall, **extra):
    body = {"kind": "question", "addressee": "khachmoi", "topic": "Tiến độ đường liên xã?", **extra}
    return api("daibieu1").post(f"/api/agenda/{hall.items[2].id}/speakers", json=body)


def test_a_question_runs_question_then_answer_then_one_follow_up(hall, api):
    question = _ask(api, hall).get_json()["id"]
    chair = api("chutoa")
    assert chair.post(f"/api/speakers/{question}/start").get_json()["phase"] == "question"
    answer = chair.post(f"/api/speakers/{question}/next").get_json()
    assert answer["phase"] == "answer"
    assert answer["allowed_s"] == 180
    assert answer["addressee"]["name"] == "Hoàng Văn Chủ Tịch UBND"
    floor = api("daibieu2").get(f"/api/meetings/{hall.meeting.id}/floor").get_json()
    assert floor["speaker"]["phase"] == "answer"
    assert chair.post(f"/api/speakers/{question}/next").get_json()["phase"] == "follow_up"
    assert chair.post(f"/api/speakers/{question}/next").get_json()["state"] == "done"


def test_a_question_needs_a_guest_of_the_meeting_as_addressee(hall, api):
    refused = _ask(api, hall, addressee="daibieu2")
    assert refused.status_code == 400
    assert refused.get_json()["error"] == "addressee_not_guest"


def test_a_question_may_point_at_a_paragraph_of_the_meetings_documents(hall, api, create_document):
    from core.extensions import db
    from documents.models import Paragraph

    document = create_document(hall.users["secretary"], hall.items[0], "chuong-trinh-ky-hop.pdf")
    paragraph = db.session.query(Paragraph).filter_by(document_id=document.id).first()
    assert _ask(api, hall, paragraph_id=paragraph.id).status_code == 201
    assert _ask(api, hall, paragraph_id=10**8).status_code == 404


def test_the_secretary_notes_the_answer_and_a_commitment_with_its_due_date(hall, api):
    question = _ask(api, hall).get_json()["id"]
    secretary = api("thuky")
    noted = secretary.put(f"/api/speakers/{question}/answer", json={"note": "Sẽ hoàn thành trong quý II."})
    assert noted.status_code == 200
    made = secretary.post(
        f"/api/speakers/{question}/commitments",
        json={"text": "Hoàn thành đường liên xã", "due_on": "2027-06-30"},
    )
    assert made.status_code == 201
    assert made.get_json()["made_by"] == "Hoàng Văn Chủ Tịch UBND"
    detail = next(iter(api("chutoa").get(f"/api/agenda/{hall.items[2].id}/speakers").get_json()))
    assert detail["answer_note"] == "Sẽ hoàn thành trong quý II."
    assert detail["commitments"][0]["due_on"] == "2027-06-30"
    assert (
        api("daibieu1").post(f"/api/speakers/{question}/commitments", json={"text": "x"}).status_code == 403
    )


@pytest.fixture
def council_meetings(app, create_user, create_meeting):
    """Two meetings of one council, a month apart, with a guest at the first."""
    from core.extensions import db
    from councils.models import Council, CouncilMember, CouncilOfficer
    from meetings import service
    from meetings.schemas import NewAgendaItem, NewMeeting, NewMember

    office = create_user("vanphong", full_name="Văn Phòng")
    chair = create_user("chutoa", full_name="Nguyễn Văn Chủ Tọa")
    delegate = create_user("daibieu1", full_name="Trần Thị Đại Biểu")
    create_user("khachmoi", full_name="Hoàng Văn Chủ Tịch UBND")

    @unit_of_work
    def build():
        council = Council(name="Hội đồng nhân dân xã Thần Sa", place="Thần Sa")
        council.officers.append(CouncilOfficer(user=office))
        council.roster.extend([CouncilMember(user=chair), CouncilMember(user=delegate)])
        db.session.add(council)
        db.session.flush()
        meetings = []
        for when in ("2026-12-01T08:00:00+07:00", "2027-01-05T08:00:00+07:00"):
            meeting = service.create_meeting(
                office, NewMeeting(title=f"Kỳ họp {when[:7]}", starts_at=when, council_id=council.id)
            )
            service.add_member(office, meeting.id, NewMember(username="chutoa", role="chair"))
            service.add_member(office, meeting.id, NewMember(username="daibieu1", role="delegate"))
            service.add_member(office, meeting.id, NewMember(username="khachmoi", role="guest"))
            service.add_agenda_item(office, meeting.id, NewAgendaItem(title="Chất vấn và trả lời chất vấn"))
            service.publish(office, meeting.id)
            meetings.append(meeting)
        return council, meetings

    return build()


def test_an_open_commitment_comes_back_at_the_councils_next_meeting(council_meetings, api):
    council, (first, second) = council_meetings
    item = first.agenda_items[0].id
    question = (
        api("daibieu1")
        .post(f"/api/agenda/{item}/speakers", json={"kind": "question", "addressee": "khachmoi"})
        .get_json()["id"]
    )
    api("vanphong").post(
        f"/api/speakers/{question}/commitments", json={"text": "Sửa cầu Nậm Khao", "due_on": "2027-03-31"}
    )
    promised = api("daibieu1").get(f"/api/meetings/{second.id}/commitments").get_json()
    assert [c["text"] for c in promised["earlier"]] == ["Sửa cầu Nậm Khao"]
    assert promised["earlier"][0]["meeting_title"] == first.title
    on_council = api("vanphong").get(f"/api/councils/{council.id}/commitments").get_json()
    assert [c["text"] for c in on_council] == ["Sửa cầu Nậm Khao"]
    assert api("daibieu1").get(f"/api/councils/{council.id}/commitments").status_code == 404

    closed = api("vanphong").post(
        f"/api/commitments/{on_council[0]['id']}/close", json={"report": "Đã xong."}
    )
    assert closed.get_json()["open"] is False
    assert api("daibieu1").get(f"/api/meetings/{second.id}/commitments").get_json()["earlier"] == []


def test_the_minutes_get_each_speech_with_its_times_and_each_question_with_its_commitments(hall, api):
    from floor import record

    item = hall.items[2].id
    speech = (
        api("daibieu2").post(f"/api/agenda/{item}/speakers", json={"topic": "Ngân sách"}).get_json()["id"]
    )
    question = _ask(api, hall).get_json()["id"]
    for speaker in (speech, question):
        api("chutoa").post(f"/api/speakers/{speaker}/start")
    api("chutoa").post(f"/api/speakers/{question}/stop")
    api("thuky").post(
        f"/api/speakers/{question}/commitments", json={"text": "Làm đường", "due_on": "2027-06-30"}
    )

    speeches = record.speeches(hall.meeting.id)
    assert [(s["speaker"], s["kind"]) for s in speeches] == [
        ("Phạm Văn Hai", "speech"),
        ("Trần Thị Đại Biểu", "question"),
    ]
    assert all(s["start"] and s["end"] and s["duration_s"] is not None for s in speeches)
    [asked] = record.questions(hall.meeting.id)
    assert asked["addressee"] == "Hoàng Văn Chủ Tịch UBND"
    assert asked["commitments"][0]["text"] == "Làm đường"
