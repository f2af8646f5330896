"""A province admin sets up its councils; each council's officers convene its meetings."""

import pytest


@pytest.fixture
def province(create_user):
    create_user("admin", admin=True)
    create_user("vanphong")  # office staff of a commune council
    create_user("khac")  # someone else
    return


def _council(caller, name="Hội đồng nhân dân xã Thần Sa", place="Thần Sa"):
    return caller.post("/api/councils", json={"name": name, "place": place})


def test_an_admin_creates_a_commune_council(province, api):
    response = _council(api("admin"))
    assert response.status_code == 201
    council_id = response.get_json()["id"]
    listed = api("admin").get("/api/councils").get_json()
    assert listed == [
        {"id": council_id, "name": "Hội đồng nhân dân xã Thần Sa", "place": "Thần Sa", "level": "commune"}
    ]


def test_a_province_council_is_recognised_by_its_name(province, api):
    _council(api("admin"), "Hội đồng nhân dân tỉnh Thái Nguyên", "Thái Nguyên")
    assert api("admin").get("/api/councils").get_json()[0]["level"] == "province"


def test_the_same_council_cannot_be_created_twice(province, api):
    _council(api("admin"))
    response = _council(api("admin"), "hội đồng nhân dân xã thần sa")
    assert response.status_code == 409
    assert response.get_json()["error"] == "council_taken"


def test_only_an_admin_creates_councils(province, api, app):
    assert _council(api("khac")).status_code == 403
    anonymous = app.test_client()
    assert anonymous.post("/api/councils", json={"name": "X y z", "place": "X"}).status_code == 401


INCOMPLETE = [
    {},
    {"name": "Hội đồng"},
    {"name": "", "place": "A"},
    {"name": "Ab c", "place": "A", "level": "x"},
]
START = "2026-12-10T08:00:00+07:00"


@pytest.mark.parametrize("payload", INCOMPLETE)
def test_an_incomplete_council_is_refused_clearly(province, api, payload):
    response = api("admin").post("/api/councils", json=payload)
    assert response.status_code == 400
    assert response.get_json()["error"] == "validation_error"


def test_a_councils_officer_convenes_its_meeting(province, api):
    council_id = _council(api("admin")).get_json()["id"]
    named = api("admin").post(f"/api/councils/{council_id}/officers", json={"username": "vanphong"})
    assert named.status_code == 201

    officer = api("vanphong")
    assert [c["id"] for c in officer.get("/api/councils").get_json()] == [council_id]
    created = officer.post(
        "/api/meetings",
        json={
            "title": "Kỳ họp thứ Hai",
            "starts_at": START,
            "location": "Hội trường xã",
            "council_id": council_id,
        },
    )
    assert created.status_code == 201
    meeting = officer.get(f"/api/meetings/{created.get_json()['id']}").get_json()
    assert meeting["council"]["name"] == "Hội đồng nhân dân xã Thần Sa"


def test_someone_outside_the_council_cannot_convene_for_it_nor_learn_it_exists(province, api):
    council_id = _council(api("admin")).get_json()["id"]
    outsider = api("khac")
    assert outsider.get("/api/councils").get_json() == []
    for council in (council_id, council_id + 100):
        response = outsider.post(
            "/api/meetings",
            json={"title": "Kỳ họp", "starts_at": START, "council_id": council},
        )
        assert response.status_code == 404
        assert response.get_json()["error"] == "council_not_found"


def test_a_meeting_without_a_council_is_convened_as_before(province, api):
    response = api("khac").post("/api/meetings", json={"title": "Họp", "starts_at": START})
    assert response.status_code == 201
    assert api("khac").get(f"/api/meetings/{response.get_json()['id']}").get_json()["council"] is None


def test_only_an_admin_names_officers(province, api):
    council_id = _council(api("admin")).get_json()["id"]
    response = api("khac").post(f"/api/councils/{council_id}/officers", json={"username": "khac"})
    assert response.status_code == 403
    unknown = api("admin").post(f"/api/councils/{council_id}/officers", json={"username": "ai-do"})
    assert unknown.status_code == 404
