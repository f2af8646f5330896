"""The chair opens a sitting, delegates check in with the hall code, the secretary marks the rest,
and polls are counted exactly once by the council's total, frozen at close."""

import uuid

import pytest

from sittings import checkin


@pytest.fixture
def hall(create_hall):
    return create_hall(delegates=4)  # the chair and three delegates on the roster


def _open(api, hall):
    response = api("chutoa").post(f"/api/meetings/{hall.meeting.id}/sittings")
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _code(api, sitting_id):
    response = api("thuky").get(f"/api/sittings/{sitting_id}/checkin-code")
    assert response.status_code == 200
    return response.get_json()


def _check_in(api, sitting_id, *usernames):
    code = _code(api, sitting_id)["code"]
    for username in usernames:
        response = api(username).post(f"/api/sittings/{sitting_id}/checkin", json={"code": code})
        assert response.status_code == 200, response.get_json()


def _poll(api, hall, rule="majority_of_total", kind="electronic"):
    response = api("thuky").post(
        f"/api/meetings/{hall.meeting.id}/polls",
        json={"title": "Dự thảo nghị quyết", "rule": rule, "kind": kind},
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _vote(api, username, poll_id, choice="for", ballot_id=None):
    return api(username).post(
        f"/api/polls/{poll_id}/ballots", json={"ballot_id": ballot_id or uuid.uuid4().hex, "choice": choice}
    )


def _one_delegate_votes_for(api, hall) -> tuple[int, int]:
    """A sitting where daibieu01 checks in and votes for, in a poll the chair then closes."""
    sitting_id = _open(api, hall)
    _check_in(api, sitting_id, "daibieu01")
    poll_id = _poll(api, hall)
    api("chutoa").post(f"/api/polls/{poll_id}/open")
    _vote(api, "daibieu01", poll_id, "for")
    api("chutoa").post(f"/api/polls/{poll_id}/close")
    return sitting_id, poll_id


def test_delegates_check_in_with_the_code_on_the_hall_screen(hall, api):
    sitting_id = _open(api, hall)
    shown = _code(api, sitting_id)
    assert len(shown["code"]) == 5
    assert 1 <= shown["expires_in"] <= 30
    _check_in(api, sitting_id, "chutoa", "daibieu01")
    attendance = api("thuky").get(f"/api/sittings/{sitting_id}/attendance").get_json()
    assert (attendance["present"], attendance["total"], attendance["quorate"]) == (2, 4, False)
    assert attendance["text"] == "Có mặt 2/4 · chưa đủ điều kiện tiến hành"
    assert {p["status"] for p in attendance["people"]} == {"present", "unmarked"}


def test_a_code_read_out_over_the_phone_a_minute_later_is_refused(hall, api, monkeypatch):
    sitting_id = _open(api, hall)
    code = _code(api, sitting_id)["code"]
    later = checkin.now() + 61
    monkeypatch.setattr(checkin, "now", lambda: later)
    response = api("daibieu01").post(f"/api/sittings/{sitting_id}/checkin", json={"code": code})
    assert response.status_code == 403
    assert response.get_json()["error"] == "checkin_code_invalid"
    wrong = api("daibieu01").post(f"/api/sittings/{sitting_id}/checkin", json={"code": "AAAAA"})
    assert wrong.get_json()["error"] == "checkin_code_invalid"


@pytest.mark.parametrize("username", ["khachmoi", "thuky"])
def test_guests_and_staff_are_never_counted(hall, api, username):
    sitting_id = _open(api, hall)
    code = _code(api, sitting_id)["code"]
    response = api(username).post(f"/api/sittings/{sitting_id}/checkin", json={"code": code})
    assert response.status_code == 403
    assert response.get_json()["error"] == "not_entitled"


def test_the_secretary_marks_absences_with_reasons_late_arrivals_and_undoes_a_mistake(hall, api):
    sitting_id = _open(api, hall)
    _check_in(api, sitting_id, "daibieu01")
    thuky = api("thuky")
    users = {u.username: u.id for u in [hall.chair, *hall.delegates]}
    assert (
        thuky.put(
            f"/api/sittings/{sitting_id}/attendance/{users['daibieu02']}",
            json={"status": "absent", "reason": "co_ly_do"},
        ).status_code
        == 200
    )
    assert (
        thuky.put(
            f"/api/sittings/{sitting_id}/attendance/{users['daibieu03']}", json={"status": "late"}
        ).status_code
        == 200
    )
    assert thuky.delete(f"/api/sittings/{sitting_id}/attendance/{users['daibieu01']}").status_code == 200
    people = {
        p["user_id"]: p for p in thuky.get(f"/api/sittings/{sitting_id}/attendance").get_json()["people"]
    }
    assert people[users["daibieu02"]]["status"] == "absent"
    assert people[users["daibieu02"]]["reason"] == "co_ly_do"
    assert people[users["daibieu03"]]["status"] == "late"
    assert people[users["daibieu01"]]["status"] == "unmarked"
    refused = api("chutoa").put(
        f"/api/sittings/{sitting_id}/attendance/{users['daibieu01']}", json={"status": "present"}
    )
    assert refused.status_code == 403


def test_a_ballot_resent_is_the_same_ballot_and_a_second_one_is_refused(hall, api):
    sitting_id = _open(api, hall)
    _check_in(api, sitting_id, "daibieu01")
    poll_id = _poll(api, hall)
    assert _vote(api, "daibieu01", poll_id).get_json()["error"] == "poll_not_open"
    assert api("chutoa").post(f"/api/polls/{poll_id}/open").status_code == 200
    first = _vote(api, "daibieu01", poll_id, ballot_id="ballot-one-1")
    again = _vote(api, "daibieu01", poll_id, ballot_id="ballot-one-1")
    assert first.status_code == again.status_code == 200
    assert first.get_json() == again.get_json()
    assert len(first.get_json()["receipt"]) == 4
    second = _vote(api, "daibieu01", poll_id, choice="against")
    assert (second.status_code, second.get_json()["error"]) == (409, "already_voted")
    absent = _vote(api, "daibieu02", poll_id)
    assert (absent.status_code, absent.get_json()["error"]) == (403, "not_present")
    guest = _vote(api, "khachmoi", poll_id)
    assert (guest.status_code, guest.get_json()["error"]) == (403, "not_entitled")
    api("chutoa").post(f"/api/polls/{poll_id}/close")
    late_resend = _vote(api, "daibieu01", poll_id, ballot_id="ballot-one-1")
    assert late_resend.get_json() == first.get_json()  # reached the server before close: counted
    assert api("thuky").get(f"/api/polls/{poll_id}").get_json()["counts"]["for"] == 1


def test_close_freezes_the_result_and_a_late_check_in_changes_nothing(hall, api):
    sitting_id = _open(api, hall)
    _check_in(api, sitting_id, "chutoa", "daibieu01", "daibieu02")
    poll_id = _poll(api, hall)
    api("chutoa").post(f"/api/polls/{poll_id}/open")
    _vote(api, "chutoa", poll_id, "for")
    _vote(api, "daibieu01", poll_id, "for")
    open_view = api("chutoa").get(f"/api/polls/{poll_id}").get_json()
    assert open_view["counts"]["for"] is None  # never how anyone voted while open
    assert [p["full_name"] for p in open_view["not_voted"]] == ["Đại Biểu 02"]
    closed = api("chutoa").post(f"/api/polls/{poll_id}/close")
    assert closed.status_code == 200
    before = api("thuky").get(f"/api/polls/{poll_id}").get_json()
    assert before["counts"] == {"for": 2, "against": 0, "abstain": 0, "not_voted": 1, "absent": 1}
    assert before["result_text"] == "Tán thành 2/4 đại biểu (50,00% tổng số đại biểu) — KHÔNG THÔNG QUA"
    assert before["passed"] is False
    _check_in(api, sitting_id, "daibieu03")
    assert api("thuky").get(f"/api/polls/{poll_id}").get_json() == before
    assert api("chutoa").post(f"/api/sittings/{sitting_id}/close").status_code == 200
    code = api("thuky").get(f"/api/sittings/{sitting_id}/checkin-code")
    assert code.status_code == 409


def test_the_secretary_records_a_show_of_hands_for_a_failed_device(hall, api):
    sitting_id = _open(api, hall)
    _check_in(api, sitting_id, "daibieu01")
    poll_id = _poll(api, hall)
    api("chutoa").post(f"/api/polls/{poll_id}/open")
    hands = api("thuky").post(
        f"/api/polls/{poll_id}/hands",
        json={"user_id": hall.delegates[0].id, "ballot_id": uuid.uuid4().hex, "choice": "against"},
    )
    assert hands.status_code == 200
    assert hands.get_json()["by_hands"] is True
    api("chutoa").post(f"/api/polls/{poll_id}/close")
    roll = {r["user_id"]: r for r in api("thuky").get(f"/api/polls/{poll_id}").get_json()["roll"]}
    assert roll[hall.delegates[0].id]["status"] == "against"
    assert roll[hall.delegates[0].id]["by_hands"] is True


def test_a_secret_ballot_records_the_boards_totals_with_the_same_wording(hall, api):
    poll_id = _poll(api, hall, rule="two_thirds_of_total", kind="manual")
    response = api("thuky").post(
        f"/api/polls/{poll_id}/result",
        json={"for": 3, "against": 1, "abstain": 0, "issued": 4, "returned": 4, "valid": 4, "invalid": 0},
    )
    assert response.status_code == 200, response.get_json()
    poll = api("chutoa").get(f"/api/polls/{poll_id}").get_json()
    assert poll["state"] == "closed"
    assert poll["passed"] is True
    assert poll["result_text"] == "Tán thành 3/4 đại biểu (75,00% tổng số đại biểu) — THÔNG QUA"
    assert poll["board"] == {"issued": 4, "returned": 4, "valid": 4, "invalid": 0}


def test_polls_verify_tells_whether_stored_ballots_still_match_the_digest(hall, api, app):
    from core.extensions import db
    from sittings.models import Ballot

    _, poll_id = _one_delegate_votes_for(api, hall)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["polls", "verify"]).exit_code == 0
    ballot = db.session.query(Ballot).filter_by(poll_id=poll_id).one()
    ballot.choice = "against"
    db.session.commit()
    result = runner.invoke(args=["polls", "verify"])
    assert result.exit_code == 1
    assert "SAI" in result.output


def test_every_sitting_change_is_on_the_audit_trail(hall, api):
    sitting_id = _open(api, hall)
    _check_in(api, sitting_id, "daibieu01")
    poll_id = _poll(api, hall)
    api("chutoa").post(f"/api/polls/{poll_id}/open")
    _vote(api, "daibieu01", poll_id)
    api("chutoa").post(f"/api/polls/{poll_id}/close")
    from audit.models import AuditEvent
    from core.extensions import db

    actions = {event.action for event in db.session.query(AuditEvent)}
    assert {
        "sitting.opened",
        "sitting.checked_in",
        "poll.created",
        "poll.opened",
        "poll.ballot_cast",
        "poll.closed",
    } <= actions


def test_a_resolution_voted_on_is_marked_on_its_agenda_item(hall, api):
    """After the vote the agenda says what the council decided: passed or not, in the official words."""
    item_id = hall.meeting.agenda_items[0].id
    sitting_id = _open(api, hall)
    _check_in(api, sitting_id, "chutoa", "daibieu01", "daibieu02")
    created = api("thuky").post(
        f"/api/meetings/{hall.meeting.id}/polls",
        json={"title": "Nghị quyết chuyển đổi số", "agenda_item_id": item_id, "rule": "majority_of_total"},
    )
    poll_id = created.get_json()["id"]
    api("chutoa").post(f"/api/polls/{poll_id}/open")
    for username in ("chutoa", "daibieu01", "daibieu02"):
        _vote(api, username, poll_id, "for")
    api("chutoa").post(f"/api/polls/{poll_id}/close")
    result = "Tán thành 3/4 đại biểu (75,00% tổng số đại biểu) — THÔNG QUA"

    [item] = api("daibieu01").get(f"/api/meetings/{hall.meeting.id}").get_json()["agenda"]
    assert item["votes"] == [
        {
            "poll_id": poll_id,
            "title": "Nghị quyết chuyển đổi số",
            "document_id": None,
            "passed": True,
            "result_text": result,
        }
    ]
    page = api("daibieu01").get(f"/meetings/{hall.meeting.id}").get_data(as_text=True)
    assert result in page
    assert "Đã thông qua" in page


def test_the_attendance_and_a_votes_named_list_read_in_vietnamese_order_by_given_name(hall, api, app):
    from core.extensions import db

    # Code-point order would put "Đ" after "T" and sort by family name: Bế, Trần, Đỗ.
    names = {
        "chutoa": "Trần Văn Bình",
        "daibieu01": "Đỗ Thị An",
        "daibieu02": "Bế Văn Đức",
        "daibieu03": "Lò Thị Ánh",
    }
    for person in (hall.chair, *hall.delegates):
        person.full_name = names[person.username]
    db.session.commit()
    sitting_id, poll_id = _one_delegate_votes_for(api, hall)

    in_order = ["Đỗ Thị An", "Lò Thị Ánh", "Trần Văn Bình", "Bế Văn Đức"]
    attendance = api("thuky").get(f"/api/sittings/{sitting_id}/attendance").get_json()
    assert [person["full_name"] for person in attendance["people"]] == in_order
    roll = api("thuky").get(f"/api/polls/{poll_id}").get_json()["roll"]
    assert [row["full_name"] for row in roll] == in_order
