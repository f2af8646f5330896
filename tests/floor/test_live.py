"""The floor goes live to the meeting's room as small deltas, and a reconnecting screen recovers."""

import json

from core.extensions import socketio


def _screen(app, token):
    return socketio.test_client(app, auth={"token": token})


def test_the_hall_hears_each_floor_change_as_a_small_numbered_delta(hall, api, app, token_for):
    screen = _screen(app, token_for("thuky"))
    assert screen.emit("meeting:join", {"meeting_id": hall.meeting.id}, callback=True)["ok"]
    item = hall.items[0].id
    speaker = (
        api("daibieu1")
        .post(f"/api/agenda/{item}/speakers", json={"kind": "speech", "topic": "Đường " * 45})
        .get_json()["id"]
    )
    api("chutoa").post(f"/api/speakers/{speaker}/start")
    deltas = [m["args"][0] for m in screen.get_received() if m["name"] == "floor:changed"]
    assert [d["op"] for d in deltas] == ["added", "item", "speaker"]
    assert [d["seq"] for d in deltas] == [1, 2, 3]
    assert deltas[-1]["speaker"]["name"] == "Trần Thị Đại Biểu"
    assert all(len(json.dumps(d).encode()) <= 1024 for d in deltas)
    floor = api("thuky").get(f"/api/meetings/{hall.meeting.id}/floor").get_json()
    assert floor["seq"] == 3
    assert floor["speaker"]["id"] == speaker


def test_someone_outside_the_meeting_cannot_follow_its_floor(hall, app, token_for):
    outsider = _screen(app, token_for("nguoingoai"))
    ack = outsider.emit("meeting:join", {"meeting_id": hall.meeting.id}, callback=True)
    assert ack["ok"] is False


def test_a_refused_action_sends_nothing(hall, api, app, token_for):
    screen = _screen(app, token_for("thuky"))
    screen.emit("meeting:join", {"meeting_id": hall.meeting.id}, callback=True)
    speaker = api("daibieu1").post(f"/api/agenda/{hall.items[0].id}/speakers", json={}).get_json()["id"]
    screen.get_received()
    assert api("daibieu2").post(f"/api/speakers/{speaker}/start").status_code == 403
    assert [m for m in screen.get_received() if m["name"] == "floor:changed"] == []
