"""Passwords are kept exactly as typed, and a login attempt says nothing about who has an account."""

import pytest

from tests.conftest import PASSWORD


def test_a_password_with_spaces_is_kept_as_typed(create_user, api, client):
    create_user("quantri", admin=True)
    api("quantri").post("/api/users", json={"username": "daibieu9", "password": "  hai dau cach  "})
    assert (
        client.post("/api/login", json={"username": "daibieu9", "password": "  hai dau cach  "}).status_code
        == 200
    )
    assert (
        client.post("/api/login", json={"username": "daibieu9", "password": "hai dau cach"}).status_code
        == 401
    )


def test_unknown_user_and_wrong_password_get_the_same_answer(create_user, client):
    create_user("daibieu1")
    unknown = client.post("/api/login", json={"username": "khongco", "password": PASSWORD})
    wrong = client.post("/api/login", json={"username": "daibieu1", "password": "sai-mat-khau"})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.get_json() == wrong.get_json()


def test_the_members_route_tells_a_non_manager_nothing_about_usernames(create_user, create_meeting, api):
    secretary = create_user("thuky")
    delegate = create_user("daibieu1")
    create_user("daibieu2")
    meeting = create_meeting(secretary, delegates=[delegate])
    caller = api("daibieu1")
    existing = caller.post(
        f"/api/meetings/{meeting.id}/members", json={"username": "daibieu2", "role": "delegate"}
    )
    unknown = caller.post(
        f"/api/meetings/{meeting.id}/members", json={"username": "khongco", "role": "delegate"}
    )
    assert existing.status_code == unknown.status_code == 403
    assert existing.get_json() == unknown.get_json()


@pytest.mark.real_password_hashes
def test_a_new_password_is_stored_with_argon2id(create_user, api, app):
    from accounts.service import find_user

    create_user("quantri", admin=True)
    api("quantri").post("/api/users", json={"username": "daibieu9", "password": "mot-mat-khau-moi"})
    assert find_user("daibieu9").password_hash.startswith("$argon2id$v=19$m=7168,t=5,p=1$")


def test_a_password_stored_the_old_way_still_logs_in_and_is_upgraded(create_user, client, app):
    from werkzeug.security import generate_password_hash

    from accounts.service import find_user
    from core.extensions import db

    user = create_user("daibieu1")
    user.password_hash = generate_password_hash(PASSWORD, "scrypt")
    db.session.commit()

    assert client.post("/api/login", json={"username": "daibieu1", "password": PASSWORD}).status_code == 200
    db.session.expire_all()
    assert find_user("daibieu1").password_hash.startswith("$argon2id$")
    client.post("/api/logout")
    assert client.post("/api/login", json={"username": "daibieu1", "password": PASSWORD}).status_code == 200
