"""Chair, secretary and hall screen follow the sitting live; a ballot from the device outbox is
counted once however often it is resent."""

import uuid

from core.extensions import socketio


def _events(client, name):
    return [message["args"][0] for message in client.get_received() if message["name"] == name]


def test_the_hall_follows_attendance_and_polls_without_learning_how_anyone_voted(
    create_hall, api, app, token_for
):
    hall = create_hall(delegates=3)
    screen = socketio.test_client(app, auth={"token": token_for("chutoa")})
    assert screen.emit("meeting:join", {"meeting_id": hall.meeting.id}, callback=True)["ok"]
    sitting_id = api("chutoa").post(f"/api/meetings/{hall.meeting.id}/sittings").get_json()["id"]
    assert _events(screen, "sitting:opened") == [{"sitting_id": sitting_id, "meeting_id": hall.meeting.id}]
    code = api("thuky").get(f"/api/sittings/{sitting_id}/checkin-code").get_json()["code"]
    api("daibieu01").post(f"/api/sittings/{sitting_id}/checkin", json={"code": code})
    api("daibieu02").post(f"/api/sittings/{sitting_id}/checkin", json={"code": code})
    changes = _events(screen, "attendance:changed")
    assert changes[-1]["text"] == "Có mặt 2/3 · đủ điều kiện tiến hành"
    poll_id = (
        api("thuky")
        .post(f"/api/meetings/{hall.meeting.id}/polls", json={"title": "Nghị quyết"})
        .get_json()["id"]
    )
    api("chutoa").post(f"/api/polls/{poll_id}/open")
    api("daibieu01").post(
        f"/api/polls/{poll_id}/ballots", json={"ballot_id": uuid.uuid4().hex, "choice": "against"}
    )
    while_open = _events(screen, "poll:changed")
    assert while_open[-1] == {
        "poll_id": poll_id,
        "state": "open",
        "title": "Nghị quyết",
        "voted": 1,
        "entitled": 3,
    }
    api("chutoa").post(f"/api/polls/{poll_id}/close")
    closed = _events(screen, "poll:changed")[-1]
    assert closed["result_text"] == "Tán thành 0/3 đại biểu (0,00% tổng số đại biểu) — KHÔNG THÔNG QUA"


def test_a_ballot_resent_by_the_outbox_is_counted_once(create_hall, api, app, token_for):
    hall = create_hall(delegates=3)
    sitting_id = api("chutoa").post(f"/api/meetings/{hall.meeting.id}/sittings").get_json()["id"]
    code = api("thuky").get(f"/api/sittings/{sitting_id}/checkin-code").get_json()["code"]
    api("daibieu01").post(f"/api/sittings/{sitting_id}/checkin", json={"code": code})
    poll_id = (
        api("thuky")
        .post(f"/api/meetings/{hall.meeting.id}/polls", json={"title": "Nghị quyết"})
        .get_json()["id"]
    )
    api("chutoa").post(f"/api/polls/{poll_id}/open")
    phone = socketio.test_client(app, auth={"token": token_for("daibieu01")})
    ballot = {"op_id": uuid.uuid4().hex, "poll_id": poll_id, "choice": "for"}
    first = phone.emit("ballot:cast", ballot, callback=True)
    phone.disconnect()  # the link drops before the ack is seen; the outbox sends it again
    phone = socketio.test_client(app, auth={"token": token_for("daibieu01")})
    again = phone.emit("ballot:cast", ballot, callback=True)
    assert first == again
    assert first["ok"]
    other = phone.emit("ballot:cast", {**ballot, "op_id": uuid.uuid4().hex}, callback=True)
    assert other["error"] == "already_voted"
    api("chutoa").post(f"/api/polls/{poll_id}/close")
    counts = api("thuky").get(f"/api/polls/{poll_id}").get_json()["counts"]
    assert counts == {"for": 1, "against": 0, "abstain": 0, "not_voted": 0, "absent": 2}


def test_a_burst_of_ballots_reaches_the_hall_as_one_trailing_count(create_hall, api, app, token_for):
    app.config["POLL_PULSE_INTERVAL_S"] = 0.3
    hall = create_hall(delegates=4)
    sitting_id = api("chutoa").post(f"/api/meetings/{hall.meeting.id}/sittings").get_json()["id"]
    code = api("thuky").get(f"/api/sittings/{sitting_id}/checkin-code").get_json()["code"]
    voters = ("daibieu01", "daibieu02", "daibieu03")
    for username in voters:
        api(username).post(f"/api/sittings/{sitting_id}/checkin", json={"code": code})
    poll_id = (
        api("thuky")
        .post(f"/api/meetings/{hall.meeting.id}/polls", json={"title": "Nghị quyết"})
        .get_json()["id"]
    )
    api("chutoa").post(f"/api/polls/{poll_id}/open")
    screen = socketio.test_client(app, auth={"token": token_for("chutoa")})
    screen.emit("meeting:join", {"meeting_id": hall.meeting.id}, callback=True)
    for username in voters:
        api(username).post(
            f"/api/polls/{poll_id}/ballots", json={"ballot_id": uuid.uuid4().hex, "choice": "for"}
        )
    socketio.sleep(0.6)
    counts = [event["voted"] for event in _events(screen, "poll:changed")]
    assert counts == [1, 3]  # the first at once, the rest folded into one
    screen.disconnect()


def test_a_phone_that_reconnects_finds_the_sitting_its_own_mark_and_the_polls(create_hall, api):
    hall = create_hall(delegates=3)
    sitting_id = api("chutoa").post(f"/api/meetings/{hall.meeting.id}/sittings").get_json()["id"]
    code = api("thuky").get(f"/api/sittings/{sitting_id}/checkin-code").get_json()["code"]
    for username in ("chutoa", "daibieu01"):
        api(username).post(f"/api/sittings/{sitting_id}/checkin", json={"code": code})
    api("thuky").post(f"/api/meetings/{hall.meeting.id}/polls", json={"title": "Nghị quyết"})
    phone = api("daibieu01").get(f"/api/meetings/{hall.meeting.id}/sitting").get_json()
    assert phone["sitting"]["open"] is True
    assert phone["entitled"] is True
    assert phone["can_run"] is False
    assert phone["attendance"]["me"] == "present"
    assert "people" not in phone["attendance"]
    assert [poll["title"] for poll in phone["polls"]] == ["Nghị quyết"]
    chair = api("chutoa").get(f"/api/meetings/{hall.meeting.id}/sitting").get_json()
    assert chair["attendance"]["me"] == "present"
    assert len(chair["attendance"]["people"]) == 3
    guest = api("khachmoi").get(f"/api/meetings/{hall.meeting.id}/sitting").get_json()
    assert guest["entitled"] is False
    assert guest["attendance"]["text"] == "Có mặt 2/3 · đủ điều kiện tiến hành"
