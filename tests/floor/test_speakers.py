"""The speaker list: delegates ask for the floor, the chair orders the queue and gives the floor."""

import pytest

from audit.models import AuditEvent
from core.extensions import db


def _register(api, username, item_id, **body):
    return api(username).post(f"/api/agenda/{item_id}/speakers", json={"kind": "speech", **body})


def test_a_delegate_registers_and_the_chair_sees_the_queue_in_order(hall, api):
    item = hall.items[0].id
    first = _register(api, "daibieu1", item, topic="Về giao thông nông thôn")
    second = _register(api, "daibieu2", item)
    assert first.status_code == 201
    assert second.status_code == 201
    queue = api("chutoa").get(f"/api/agenda/{item}/speakers").get_json()
    assert [(s["id"], s["kind"], s["state"]) for s in queue] == [
        (first.get_json()["id"], "speech", "waiting"),
        (second.get_json()["id"], "speech", "waiting"),
    ]
    assert queue[0]["user_id"] == hall.users["delegate"].id
    assert queue[0]["topic"] == "Về giao thông nông thôn"


def test_a_point_of_order_goes_to_the_head_of_the_queue(hall, api):
    item = hall.items[0].id
    _register(api, "daibieu1", item)
    point = _register(api, "daibieu2", item, kind="point_of_order").get_json()["id"]
    queue = api("chutoa").get(f"/api/agenda/{item}/speakers").get_json()
    assert queue[0]["id"] == point
    assert queue[0]["kind"] == "point_of_order"


def test_asking_twice_for_the_same_floor_is_refused(hall, api):
    item = hall.items[0].id
    _register(api, "daibieu1", item)
    again = _register(api, "daibieu1", item)
    assert again.status_code == 409
    assert again.get_json()["error"] == "already_in_queue"


@pytest.mark.parametrize(
    ("username", "status"),
    [("daibieu1", 201), ("chutoa", 201), ("thuky", 403), ("khachmoi", 403), ("nguoingoai", 404)],
)
def test_only_delegates_ask_for_the_floor(hall, api, username, status):
    assert _register(api, username, hall.items[0].id).status_code == status


def test_the_chair_gives_the_floor_and_the_speech_is_timed_for_the_minutes(hall, api):
    item = hall.items[0].id
    speaker = _register(api, "daibieu1", item).get_json()["id"]
    started = api("chutoa").post(f"/api/speakers/{speaker}/start")
    assert started.status_code == 200
    body = started.get_json()
    assert body["state"] == "speaking"
    assert body["allowed_s"] == 420
    assert 0 < body["remaining_ms"] <= 420_000
    floor = api("daibieu2").get(f"/api/meetings/{hall.meeting.id}/floor").get_json()
    assert floor["speaker"]["name"] == "Trần Thị Đại Biểu"
    assert floor["agenda_item"]["id"] == item
    stopped = api("chutoa").post(f"/api/speakers/{speaker}/stop").get_json()
    assert stopped["state"] == "done"
    assert stopped["started_at"]
    assert stopped["ended_at"]
    assert stopped["duration_s"] >= 0
    assert api("chutoa").get(f"/api/meetings/{hall.meeting.id}/floor").get_json()["speaker"] is None


def test_giving_the_floor_to_the_next_speaker_ends_the_previous_speech(hall, api):
    item = hall.items[0].id
    first = _register(api, "daibieu1", item).get_json()["id"]
    second = _register(api, "daibieu2", item).get_json()["id"]
    api("chutoa").post(f"/api/speakers/{first}/start")
    api("chutoa").post(f"/api/speakers/{second}/start")
    states = {s["id"]: s["state"] for s in api("chutoa").get(f"/api/agenda/{item}/speakers").get_json()}
    assert states == {first: "done", second: "speaking"}


@pytest.mark.parametrize(
    ("username", "status"), [("chutoa", 200), ("thuky", 200), ("daibieu2", 403), ("khachmoi", 403)]
)
def test_only_the_chair_or_secretary_gives_the_floor(hall, api, username, status):
    speaker = _register(api, "daibieu1", hall.items[0].id).get_json()["id"]
    assert api(username).post(f"/api/speakers/{speaker}/start").status_code == status


def test_the_chair_reorders_the_queue_and_a_wrong_list_is_refused(hall, api):
    item = hall.items[0].id
    ids = [_register(api, name, item).get_json()["id"] for name in ("daibieu1", "daibieu2", "chutoa")]
    reordered = api("chutoa").put(f"/api/agenda/{item}/speakers/order", json={"speaker_ids": ids[::-1]})
    assert [s["id"] for s in reordered.get_json()] == ids[::-1]
    wrong = api("chutoa").put(f"/api/agenda/{item}/speakers/order", json={"speaker_ids": ids[:2]})
    assert wrong.status_code == 409
    assert wrong.get_json()["error"] == "speaker_order_mismatch"


def test_a_delegate_withdraws_a_request_still_waiting(hall, api):
    item = hall.items[0].id
    speaker = _register(api, "daibieu1", item).get_json()["id"]
    assert api("daibieu2").delete(f"/api/speakers/{speaker}").status_code == 403
    assert api("daibieu1").delete(f"/api/speakers/{speaker}").status_code == 200
    assert api("chutoa").get(f"/api/agenda/{item}/speakers").get_json() == []


def test_the_chair_moves_through_the_agenda(hall, api):
    url = f"/api/meetings/{hall.meeting.id}/floor/item"
    assert (
        api("chutoa").put(url, json={"direction": "next"}).get_json()["agenda_item"]["id"] == hall.items[0].id
    )
    assert (
        api("chutoa").put(url, json={"direction": "next"}).get_json()["agenda_item"]["id"] == hall.items[1].id
    )
    assert (
        api("chutoa").put(url, json={"direction": "previous"}).get_json()["agenda_item"]["id"]
        == hall.items[0].id
    )
    picked = api("chutoa").put(url, json={"agenda_item_id": hall.items[2].id}).get_json()
    assert picked["agenda_item"]["title"] == "Chất vấn"
    assert api("daibieu1").put(url, json={"direction": "next"}).status_code == 403


def test_every_floor_action_leaves_an_audit_line(hall, api):
    item = hall.items[0].id
    speaker = _register(api, "daibieu1", item).get_json()["id"]
    api("chutoa").post(f"/api/speakers/{speaker}/start")
    api("chutoa").post(f"/api/speakers/{speaker}/stop")
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(meeting_id=hall.meeting.id)]
    assert {"speaker_registered", "floor_given", "floor_ended"} <= set(actions)


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "shout"},
        {"kind": "question"},
        {"kind": "speech", "addressee": "khachmoi"},
        {"topic": "x" * 301},
        [],
    ],
)
def test_a_bad_registration_gets_a_clear_400(hall, api, body):
    response = api("daibieu1").post(f"/api/agenda/{hall.items[0].id}/speakers", json=body)
    assert response.status_code == 400
    assert response.get_json()["error"] in {"validation_error", "invalid_json"}


def test_a_councils_own_speaking_time_wins_over_the_default(app):
    """A council whose Nội quy kỳ họp allows 5 minutes a speech gets 5; any other council, the default 7."""
    from councils.models import Council
    from floor.timing import allowed_seconds
    from sittings.models import CouncilRule

    with app.app_context():
        council = Council(name="Hội đồng nhân dân xã Thần Sa", place="Thần Sa")
        db.session.add(council)
        db.session.flush()
        db.session.add(
            CouncilRule(
                council_id=council.id, key="floor.speech_s", value="300", article="Nội quy kỳ họp, Điều 12"
            )
        )
        db.session.commit()
        assert allowed_seconds(council.id, "speech", "speech") == 300
        assert allowed_seconds(None, "speech", "speech") == 420
        assert allowed_seconds(council.id, "question", "answer") == 180
