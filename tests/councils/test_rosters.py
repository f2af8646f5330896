"""A council's officers keep its roster; its meetings are only for those on it."""

import io

import pytest

from core.extensions import socketio

START = "2026-12-10T08:00:00+07:00"


@pytest.fixture
def commune(create_user, api):
    """Xã Thần Sa's council with its office clerk; Xã La Hiên's with its own clerk."""
    create_user("admin", admin=True)
    for username, name in (
        ("vanphong", "Nguyễn Thị Thu"),
        ("vanphong2", "Lò Văn Tám"),
        ("daibieu1", "Lường Thị Mai"),
        ("daibieu2", "Ma Văn Dũng"),
        ("daibieu3", "Đàm Thị Hoa"),
        ("ngoai", "Người Ngoài"),
    ):
        create_user(username, full_name=name)
    admin = api("admin")
    councils = {}
    for key, name, place, officer in (
        ("than_sa", "Hội đồng nhân dân xã Thần Sa", "Thần Sa", "vanphong"),
        ("la_hien", "Hội đồng nhân dân xã La Hiên", "La Hiên", "vanphong2"),
    ):
        councils[key] = admin.post("/api/councils", json={"name": name, "place": place}).get_json()["id"]
        admin.post(f"/api/councils/{councils[key]}/officers", json={"username": officer})
    return councils


def _meeting(caller, council_id, title="Kỳ họp thứ Mười hai"):
    response = caller.post(
        "/api/meetings",
        json={"title": title, "starts_at": START, "location": "Hội trường", "council_id": council_id},
    )
    assert response.status_code == 201
    return response.get_json()["id"]


def _enrol(caller, council_id, *usernames):
    for username in usernames:
        assert (
            caller.post(f"/api/councils/{council_id}/members", json={"username": username}).status_code == 201
        )


def test_an_officer_keeps_the_councils_roster(commune, api):
    office = api("vanphong")
    council = commune["than_sa"]
    _enrol(office, council, "daibieu2", "daibieu1")
    again = office.post(f"/api/councils/{council}/members", json={"username": "daibieu1"})
    assert again.status_code == 200  # already there: nothing changes

    roster = office.get(f"/api/councils/{council}/members").get_json()
    assert [person["full_name"] for person in roster] == ["Ma Văn Dũng", "Lường Thị Mai"]  # by given name

    assert office.delete(f"/api/councils/{council}/members/{roster[0]['user_id']}").status_code == 200
    assert [p["username"] for p in office.get(f"/api/councils/{council}/members").get_json()] == ["daibieu1"]


def test_another_councils_officer_cannot_see_nor_touch_the_roster(commune, api):
    _enrol(api("vanphong"), commune["than_sa"], "daibieu1")
    other = api("vanphong2")
    assert other.get(f"/api/councils/{commune['than_sa']}/members").status_code == 404
    response = other.post(f"/api/councils/{commune['than_sa']}/members", json={"username": "ngoai"})
    assert response.status_code == 404
    assert response.get_json()["error"] == "council_not_found"


def test_only_people_on_the_roster_are_invited_to_a_councils_meeting(commune, api):
    office = api("vanphong")
    meeting = _meeting(office, commune["than_sa"])
    refused = office.post(f"/api/meetings/{meeting}/members", json={"username": "ngoai", "role": "delegate"})
    assert refused.status_code == 409
    body = refused.get_json()
    assert body["error"] == "not_on_council_roster"
    assert "chưa có trong danh sách đại biểu của Hội đồng nhân dân xã Thần Sa" in body["message"]

    _enrol(office, commune["than_sa"], "ngoai")
    accepted = office.post(f"/api/meetings/{meeting}/members", json={"username": "ngoai", "role": "delegate"})
    assert accepted.status_code == 201


def test_the_whole_roster_is_invited_at_once(commune, api, app):
    office = api("vanphong")
    council = commune["than_sa"]
    _enrol(office, council, "daibieu1", "daibieu2", "daibieu3")
    meeting = _meeting(office, council)
    office.post(f"/api/meetings/{meeting}/members", json={"username": "daibieu1", "role": "chair"})
    # A locked account is not invited.
    api("admin").patch("/api/users/" + str(_user_id(app, "daibieu3")), json={"is_active": False})

    invited = office.post(f"/api/meetings/{meeting}/members/roster")
    assert invited.status_code == 200
    assert invited.get_json()["added"] == [_user_id(app, "daibieu2")]
    members = {m["username"]: m["role"] for m in office.get(f"/api/meetings/{meeting}").get_json()["members"]}
    assert members == {"vanphong": "secretary", "daibieu1": "chair", "daibieu2": "delegate"}


def test_a_meeting_of_no_council_has_no_roster_to_invite(commune, api):
    response = api("admin").post("/api/meetings", json={"title": "Họp", "starts_at": START})
    invited = api("admin").post(f"/api/meetings/{response.get_json()['id']}/members/roster")
    assert invited.status_code == 409
    assert invited.get_json()["error"] == "meeting_has_no_council"


def test_an_officer_runs_every_meeting_of_the_council_drafts_included(commune, api):
    admin = api("admin")
    meeting = _meeting(admin, commune["than_sa"])  # convened by the admin, a draft
    office = api("vanphong")
    assert [m["id"] for m in office.get("/api/meetings").get_json()] == [meeting]
    renamed = office.patch(f"/api/meetings/{meeting}", json={"title": "Kỳ họp chuyên đề"})
    assert renamed.status_code == 200
    # The other commune's clerk sees nothing of it.
    assert api("vanphong2").get("/api/meetings").get_json() == []
    assert api("vanphong2").get(f"/api/meetings/{meeting}").status_code == 404


def test_taken_off_the_roster_a_delegate_loses_the_councils_meetings_at_once(commune, api, app, token_for):
    office = api("vanphong")
    council = commune["than_sa"]
    _enrol(office, council, "daibieu1")
    meeting = _meeting(office, council)
    office.post(f"/api/meetings/{meeting}/members", json={"username": "daibieu1", "role": "delegate"})
    office.post(f"/api/meetings/{meeting}/publish")
    delegate = api("daibieu1")
    assert [m["id"] for m in delegate.get("/api/meetings").get_json()] == [meeting]

    live = socketio.test_client(app, auth={"token": token_for("daibieu1")})
    assert live.is_connected()
    live.get_received()
    assert office.delete(f"/api/councils/{council}/members/{_user_id(app, 'daibieu1')}").status_code == 200

    assert delegate.get("/api/meetings").get_json() == []
    assert delegate.get(f"/api/meetings/{meeting}").status_code == 404
    assert not live.is_connected()  # the rooms of the council stop reaching them
    # Out of the meeting too, so none of its events (a publication, a hidden comment) reach them.
    members = [m["username"] for m in office.get(f"/api/meetings/{meeting}").get_json()["members"]]
    assert "daibieu1" not in members


def test_an_officer_taken_off_the_roster_still_runs_the_councils_meetings(commune, api):
    office = api("vanphong")
    council = commune["than_sa"]
    _enrol(office, council, "vanphong")
    meeting = _meeting(office, council)
    me = next(
        p for p in office.get(f"/api/councils/{council}/members").get_json() if p["username"] == "vanphong"
    )
    assert office.delete(f"/api/councils/{council}/members/{me['user_id']}").status_code == 200
    assert [m["id"] for m in office.get("/api/meetings").get_json()] == [meeting]
    members = [m["username"] for m in office.get(f"/api/meetings/{meeting}").get_json()["members"]]
    assert members == ["vanphong"]


def test_an_officer_imports_the_roster_from_a_spreadsheet(commune, api):
    office = api("vanphong")
    council = commune["than_sa"]
    sheet = (
        "Tên đăng nhập,Họ và tên,Chức vụ\ndaibieu1,Lường Thị Mai,Đại biểu\nmoi01,Hà Văn Mới,Đại biểu\n,,\n"
    )
    response = office.post(
        f"/api/councils/{council}/members/import", data={"file": (io.BytesIO(sheet.encode()), "ds.csv")}
    )
    assert response.status_code == 201
    report = response.get_json()
    assert [row["username"] for row in report["created"]] == ["moi01"]
    assert report["created"][0]["password"]  # shown once, to hand over
    assert [row["username"] for row in report["existing"]] == ["daibieu1"]
    assert sorted(report["added"]) == ["daibieu1", "moi01"]
    roster = office.get(f"/api/councils/{council}/members").get_json()
    assert sorted(person["username"] for person in roster) == ["daibieu1", "moi01"]


def test_officers_and_admins_reach_the_councils_pages_others_do_not(commune, api, app):
    assert api("vanphong").get("/councils").status_code == 200
    page = api("vanphong").get(f"/councils/{commune['than_sa']}")
    assert page.status_code == 200
    assert "Danh sách đại biểu" in page.get_data(as_text=True)
    assert api("daibieu1").get("/councils").status_code == 403
    assert api("vanphong").get(f"/councils/{commune['la_hien']}").status_code == 404


def _user_id(app, username):
    from accounts.service import find_user

    return find_user(username).id


def test_a_guest_from_outside_the_council_reads_the_published_meeting(commune, api):
    """Khách mời (a People's Committee official) is invited by name, needs no seat on the roster,
    and sees the meeting once it is published, not before."""
    office = api("vanphong")
    meeting = _meeting(office, commune["than_sa"])
    invited = office.post(f"/api/meetings/{meeting}/members", json={"username": "ngoai", "role": "guest"})
    assert invited.status_code == 201
    guest = api("ngoai")
    assert guest.get(f"/api/meetings/{meeting}").status_code == 404
    assert office.post(f"/api/meetings/{meeting}/publish").status_code == 200
    seen = guest.get(f"/api/meetings/{meeting}")
    assert seen.status_code == 200
    assert seen.get_json()["role"] == "guest"


def test_members_following_a_meeting_hear_its_room(commune, api, app):
    """`meeting:join` puts a member's device in the meeting's room, where the sitting is told."""
    from core.broadcast import meeting_room

    office = api("vanphong")
    meeting = _meeting(office, commune["than_sa"])
    office.post(f"/api/meetings/{meeting}/publish")
    token = office.headers["Authorization"].split()[1]
    client = socketio.test_client(app, auth={"token": token})
    assert client.emit("meeting:join", {"meeting_id": meeting}, callback=True) == {"ok": True}
    socketio.emit("sitting:test", {"meeting_id": meeting}, to=meeting_room(meeting))
    assert [m["name"] for m in client.get_received()] == ["sitting:test"]
    refused = client.emit("meeting:join", {"meeting_id": 10**6}, callback=True)
    assert refused["error"] == "meeting_not_found"
    client.disconnect()


@pytest.fixture
def la_hien_delegate(commune, api):
    """Ma Văn Dũng (daibieu2) sits on Xã La Hiên's roster."""
    _enrol(api("vanphong2"), commune["la_hien"], "daibieu2")
    return "daibieu2"


@pytest.mark.parametrize(
    "username",
    ["daibieu2", "vanphong2"],
    ids=["another councils delegate", "another councils officer"],
)
def test_an_officer_cannot_put_another_councils_people_on_the_roster_nor_learn_who_they_are(
    commune, api, la_hien_delegate, username
):
    office = api("vanphong")
    response = office.post(f"/api/councils/{commune['than_sa']}/members", json={"username": username})

    assert response.status_code == 404
    assert response.get_json()["error"] == "user_not_found"  # as an account that does not exist
    assert "Ma Văn Dũng" not in response.get_data(as_text=True)
    assert "Lò Văn Tám" not in response.get_data(as_text=True)
    assert "user_id" not in response.get_json()
    assert office.get(f"/api/councils/{commune['than_sa']}/members").get_json() == []


@pytest.mark.parametrize(
    ("username", "status"),
    [("ngoai", 201), ("daibieu1", 201)],
    ids=["an account of no council", "a new account"],
)
def test_an_officer_still_adds_accounts_of_no_council(commune, api, username, status):
    response = api("vanphong").post(
        f"/api/councils/{commune['than_sa']}/members", json={"username": username}
    )
    assert response.status_code == status


def test_an_admin_may_seat_one_delegate_on_two_councils(commune, api, la_hien_delegate):
    response = api("admin").post(f"/api/councils/{commune['than_sa']}/members", json={"username": "daibieu2"})
    assert response.status_code == 201


def test_an_officer_cannot_take_off_a_delegate_another_council_counts_nor_cut_them_off_there(
    commune, api, app, token_for, la_hien_delegate
):
    api("admin").post(f"/api/councils/{commune['than_sa']}/members", json={"username": "daibieu2"})
    other_office = api("vanphong2")
    meeting = _meeting(other_office, commune["la_hien"])
    other_office.post(f"/api/meetings/{meeting}/members", json={"username": "daibieu2", "role": "delegate"})
    other_office.post(f"/api/meetings/{meeting}/publish")
    live = socketio.test_client(app, auth={"token": token_for("daibieu2")})
    assert live.is_connected()

    removal = api("vanphong").delete(
        f"/api/councils/{commune['than_sa']}/members/{_user_id(app, 'daibieu2')}"
    )

    assert removal.status_code == 404
    assert live.is_connected()  # still in La Hiên's meeting
    assert [m["id"] for m in api("daibieu2").get("/api/meetings").get_json()] == [meeting]
    assert (
        api("admin")
        .delete(f"/api/councils/{commune['than_sa']}/members/{_user_id(app, 'daibieu2')}")
        .status_code
        == 200
    )


def test_an_imported_roster_row_naming_another_councils_delegate_is_refused_without_a_name(
    commune, api, la_hien_delegate
):
    sheet = "Tên đăng nhập,Họ và tên\ndaibieu2,Ai Đó\nmoi02,Hà Văn Hai\n"
    response = api("vanphong").post(
        f"/api/councils/{commune['than_sa']}/members/import",
        data={"file": (io.BytesIO(sheet.encode()), "ds.csv")},
    )

    report = response.get_json()
    assert report["existing"] == []
    assert [(p["line"], p["error"]) for p in report["problems"]] == [(2, "username_taken")]
    assert "Ma Văn Dũng" not in response.get_data(as_text=True)
    assert sorted(report["added"]) == ["moi02"]


def test_council_creation_and_officer_changes_are_on_the_admins_audit_trail(commune, api, app):
    admin = api("admin")
    council = commune["than_sa"]
    assert admin.delete(f"/api/councils/{council}/officers/{_user_id(app, 'vanphong')}").status_code == 200

    events = admin.get("/api/audit").get_json()

    created = [e["detail"] for e in events if e["action"] == "council_created"]
    assert sorted(d["name"] for d in created) == [
        "Hội đồng nhân dân xã La Hiên",
        "Hội đồng nhân dân xã Thần Sa",
    ]
    changes = [
        (e["action"], e["detail"]["username"], e["detail"]["council_id"], e["actor"]["username"])
        for e in reversed(events)
        if e["action"] in ("officer_added", "officer_removed")
    ]
    assert changes == [
        ("officer_added", "vanphong", council, "admin"),
        ("officer_added", "vanphong2", commune["la_hien"], "admin"),
        ("officer_removed", "vanphong", council, "admin"),
    ]
