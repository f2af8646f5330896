"""Only those an admin allows may convene a meeting; admins always may."""

import io

import pytest

from tests.conftest import PASSWORD

NEW_MEETING = {
    "title": "Kỳ họp chuyên đề",
    "starts_at": "2026-12-10T08:00:00+07:00",
    "location": "Hội trường",
}


@pytest.fixture
def admin(create_user):
    return create_user("quantri", admin=True)


def test_an_account_an_admin_creates_may_convene_unless_told_otherwise(admin, api):
    api("quantri").post("/api/users", json={"username": "thuky2", "password": PASSWORD})
    api("quantri").post(
        "/api/users", json={"username": "daibieu5", "password": PASSWORD, "can_convene": False}
    )
    assert api("thuky2").post("/api/meetings", json=NEW_MEETING).status_code == 201
    refused = api("daibieu5").post("/api/meetings", json=NEW_MEETING)
    assert refused.status_code == 403
    assert refused.get_json()["error"] == "convene_not_allowed"
    assert "quản trị viên" in refused.get_json()["message"]


def test_roster_delegates_may_not_convene_until_an_admin_allows_it(admin, api):
    roster = "Tên đăng nhập,Họ và tên,Mật khẩu\ndaibieu6,Lường Văn Sáu,matkhau123\n".encode()
    report = api("quantri").post(
        "/api/users/import", data={"file": (io.BytesIO(roster), "ds.csv")}, content_type="multipart/form-data"
    )
    user_id = report.get_json()["created"][0]["id"]
    assert api("daibieu6").post("/api/meetings", json=NEW_MEETING).status_code == 403

    allowed = api("quantri").patch(f"/api/users/{user_id}", json={"can_convene": True})
    assert allowed.get_json()["can_convene"] is True
    assert api("daibieu6").post("/api/meetings", json=NEW_MEETING).status_code == 201


def test_admins_always_convene(admin, api):
    assert api("quantri").post("/api/meetings", json=NEW_MEETING).status_code == 201


def test_the_new_meeting_button_shows_only_to_those_who_may_convene(admin, api, client):
    api("quantri").post(
        "/api/users", json={"username": "daibieu5", "password": PASSWORD, "can_convene": False}
    )
    client.post("/login", data={"username": "daibieu5", "password": PASSWORD})
    assert b"new-meeting-toggle" not in client.get("/").data
