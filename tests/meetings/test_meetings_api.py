"""A secretary builds a meeting; members see it once published, and only their own meetings."""

import pytest

from core.extensions import socketio


@pytest.fixture
def people(create_user):
    return {name: create_user(name) for name in ("thuky", "chutoa", "daibieu1", "daibieu2", "nguoingoai")}


def test_a_secretary_builds_a_meeting_through_the_contract_routes(people, api):
    thuky = api("thuky")
    created = thuky.post(
        "/api/meetings",
        json={
            "title": "Kỳ họp thứ Mười hai",
            "starts_at": "2026-12-01T08:00:00+07:00",
            "location": "Hội trường",
        },
    )
    assert created.status_code == 201
    meeting_id = created.get_json()["id"]
    for username, role in [("chutoa", "chair"), ("daibieu1", "delegate")]:
        response = thuky.post(
            f"/api/meetings/{meeting_id}/members", json={"username": username, "role": role}
        )
        assert response.status_code == 201
    first = thuky.post(f"/api/meetings/{meeting_id}/agenda", json={"title": "Khai mạc"})
    second = thuky.post(f"/api/meetings/{meeting_id}/agenda", json={"title": "Đề án chuyển đổi số"})
    assert first.status_code == second.status_code == 201
    detail = thuky.get(f"/api/meetings/{meeting_id}").get_json()
    assert [item["title"] for item in detail["agenda"]] == ["Khai mạc", "Đề án chuyển đổi số"]
    assert detail["starts_at"] == "2026-12-01T01:00:00"
    assert {m["username"]: m["role"] for m in detail["members"]} == {
        "thuky": "secretary",
        "chutoa": "chair",
        "daibieu1": "delegate",
    }


def test_the_agenda_can_be_reordered_but_only_with_its_own_items(people, api, create_meeting):
    meeting = create_meeting(people["thuky"], agenda=("Một", "Hai", "Ba"))
    ids = [item.id for item in meeting.agenda_items]
    thuky = api("thuky")
    response = thuky.put(
        f"/api/meetings/{meeting.id}/agenda/order", json={"item_ids": [ids[2], ids[0], ids[1]]}
    )
    assert [item["title"] for item in response.get_json()["agenda"]] == ["Ba", "Một", "Hai"]
    wrong = thuky.put(f"/api/meetings/{meeting.id}/agenda/order", json={"item_ids": [ids[0], 999]})
    assert wrong.status_code == 400
    assert wrong.get_json()["error"] == "agenda_order_mismatch"


def test_a_draft_is_seen_only_by_its_secretaries(people, api, create_meeting):
    meeting = create_meeting(people["thuky"], delegates=[people["daibieu1"]], published=False)
    assert [m["id"] for m in api("thuky").get("/api/meetings").get_json()] == [meeting.id]
    assert api("daibieu1").get("/api/meetings").get_json() == []
    assert api("daibieu1").get(f"/api/meetings/{meeting.id}").status_code == 404


def test_members_see_only_the_meetings_they_belong_to(people, api, create_meeting):
    mine = create_meeting(people["thuky"], delegates=[people["daibieu1"]])
    create_meeting(people["thuky"], delegates=[people["daibieu2"]])
    assert [m["id"] for m in api("daibieu1").get("/api/meetings").get_json()] == [mine.id]
    assert api("nguoingoai").get(f"/api/meetings/{mine.id}").status_code == 404
    detail = api("daibieu1").get(f"/api/meetings/{mine.id}").get_json()
    assert detail["role"] == "delegate"
    assert "members" not in detail


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/meetings/{id}/members", {"username": "daibieu2", "role": "delegate"}),
        ("post", "/api/meetings/{id}/agenda", {"title": "Thêm"}),
        ("post", "/api/meetings/{id}/publish", None),
        ("patch", "/api/meetings/{id}", {"title": "Đổi tên"}),
    ],
)
@pytest.mark.parametrize("username", ["chutoa", "daibieu1"])
def test_only_secretaries_change_a_meeting(people, api, create_meeting, method, path, body, username):
    meeting = create_meeting(people["thuky"], chair=people["chutoa"], delegates=[people["daibieu1"]])
    response = getattr(api(username), method)(path.format(id=meeting.id), json=body)
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"


@pytest.mark.parametrize(
    "body",
    [
        {"title": "", "starts_at": "2026-12-01T08:00:00"},
        {"title": "Kỳ họp", "starts_at": "ngày mai"},
        {"title": "Kỳ họp"},
        {"title": "x" * 301, "starts_at": "2026-12-01T08:00:00"},
    ],
)
def test_a_bad_meeting_payload_gets_a_clear_400(people, api, body):
    response = api("thuky").post("/api/meetings", json=body)
    assert response.status_code == 400
    assert response.get_json()["error"] == "validation_error"
    assert response.get_json()["message"].startswith("Dữ liệu không hợp lệ")


def test_inviting_an_unknown_user_or_role_is_refused(people, api, create_meeting):
    meeting = create_meeting(people["thuky"])
    unknown = api("thuky").post(
        f"/api/meetings/{meeting.id}/members", json={"username": "ai-do", "role": "delegate"}
    )
    assert unknown.status_code == 404
    assert unknown.get_json()["error"] == "user_not_found"
    bad_role = api("thuky").post(
        f"/api/meetings/{meeting.id}/members", json={"username": "daibieu1", "role": "vua"}
    )
    assert bad_role.status_code == 400


def test_publishing_shows_the_meeting_to_members_without_reloading(people, app, token_for, create_meeting):
    meeting = create_meeting(people["thuky"], delegates=[people["daibieu1"]], published=False)
    delegate_socket = socketio.test_client(app, auth={"token": token_for("daibieu1")})
    outsider_socket = socketio.test_client(app, auth={"token": token_for("nguoingoai")})
    assert delegate_socket.is_connected()
    delegate_socket.get_received()

    from core.transactions import unit_of_work
    from meetings.service import publish

    unit_of_work(publish)(people["thuky"], meeting.id)
    events = [e for e in delegate_socket.get_received() if e["name"] == "meeting:published"]
    assert len(events) == 1
    assert events[0]["args"][0]["id"] == meeting.id
    assert events[0]["args"][0]["role"] == "delegate"
    assert not [e for e in outsider_socket.get_received() if e["name"] == "meeting:published"]


def test_a_socket_without_credentials_is_refused(app):
    assert not socketio.test_client(app, auth={"token": "forged"}).is_connected()
