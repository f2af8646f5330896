"""Guards every route shares: no cross-site writes with a session cookie, no impossible ids."""

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def browser_session(client, create_user, create_meeting):
    secretary = create_user("thuky")
    meeting = create_meeting(secretary, published=False)
    client.post("/login", data={"username": "thuky", "password": PASSWORD})
    return meeting


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}],
)
def test_a_page_on_another_site_cannot_act_with_a_delegates_cookie(client, browser_session, headers):
    response = client.post(f"/api/meetings/{browser_session.id}/publish", headers=headers)
    assert response.status_code == 403
    assert response.get_json()["error"] == "cross_site_request"


def test_the_apps_own_pages_and_api_clients_still_write(client, browser_session, token_for):
    same_origin = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    assert client.post(f"/api/meetings/{browser_session.id}/publish", headers=same_origin).status_code == 200
    bearer = {"Authorization": f"Bearer {token_for('thuky')}", "Origin": "http://evil.example"}
    assert client.post(f"/api/meetings/{browser_session.id}/publish", headers=bearer).status_code == 200


def test_ids_beyond_a_64_bit_integer_are_simply_not_found(client, browser_session):
    response = client.get("/api/meetings/99999999999999999999999")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"
