"""Guessing a delegate's password is slowed down; a hall logging in from one address is not."""

import pytest

from tests.conftest import PASSWORD


def test_guessing_one_accounts_password_is_refused_with_429_and_retry_after(client, create_user):
    create_user("daibieu1")
    answers = [
        client.post("/api/login", json={"username": "daibieu1", "password": f"doan-{n}"}) for n in range(11)
    ]
    assert [a.status_code for a in answers[:10]] == [401] * 10
    refused = answers[10]
    assert refused.status_code == 429
    assert refused.get_json()["error"] == "rate_limited"
    assert "thử lại" in refused.get_json()["message"]
    assert int(refused.headers["Retry-After"]) > 0
    # Even the right password waits: the guesser must not learn it was found.
    assert client.post("/api/login", json={"username": "daibieu1", "password": PASSWORD}).status_code == 429


def test_the_login_form_refuses_with_a_page_in_vietnamese(client, create_user):
    create_user("daibieu1")
    for n in range(10):
        client.post("/login", data={"username": "daibieu1", "password": f"doan-{n}"})
    refused = client.post("/login", data={"username": "daibieu1", "password": "doan-11"})
    assert refused.status_code == 429
    assert refused.mimetype == "text/html"
    assert "Bạn thử quá nhiều lần" in refused.get_data(as_text=True)
    assert "Retry-After" in refused.headers


def test_other_accounts_are_not_slowed_by_a_guesser(client, create_user):
    create_user("daibieu1")
    create_user("daibieu2")
    for n in range(12):
        client.post("/api/login", json={"username": "daibieu1", "password": f"doan-{n}"})
    assert client.post("/api/login", json={"username": "daibieu2", "password": PASSWORD}).status_code == 200


def test_a_whole_hall_behind_one_address_logs_in(client, create_user):
    for n in range(120):
        create_user(f"daibieu{n}")
    answers = [
        client.post("/api/login", json={"username": f"daibieu{n}", "password": PASSWORD}).status_code
        for n in range(120)
    ]
    assert answers == [200] * 120


def test_one_address_is_limited_per_minute(app, client, create_user):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "5/minute"
    create_user("daibieu1")
    answers = [
        client.post("/api/login", json={"username": f"khongco{n}", "password": "x"}).status_code
        for n in range(6)
    ]
    assert answers == [401] * 5 + [429]


def test_the_form_and_the_api_share_one_accounts_failure_count(client, create_user):
    create_user("daibieu1")
    for n in range(5):
        client.post("/login", data={"username": "daibieu1", "password": f"doan-{n}"})
    answers = [
        client.post("/api/login", json={"username": "daibieu1", "password": f"doan-api-{n}"}).status_code
        for n in range(6)
    ]
    assert answers == [401] * 5 + [429]


def test_one_address_guessing_unknown_names_is_stopped_before_it_holds_the_hashing_threads(
    client, create_user, app
):
    create_user("daibieu1")
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = "5/minute"
    answers = [
        client.post("/api/login", json={"username": f"khongco{n}", "password": "doan-mot-lan"}).status_code
        for n in range(6)
    ]
    assert answers == [401] * 5 + [429]


def test_an_admin_lets_a_locked_out_delegate_log_in_again_on_the_record(client, create_user, api):
    user = create_user("daibieu1")
    create_user("quantri", admin=True)
    admin = api("quantri")
    for n in range(11):
        client.post("/api/login", json={"username": "daibieu1", "password": f"doan-{n}"})
    assert client.post("/api/login", json={"username": "daibieu1", "password": PASSWORD}).status_code == 429

    assert admin.post(f"/api/users/{user.id}/unlock").status_code == 200

    assert client.post("/api/login", json={"username": "daibieu1", "password": PASSWORD}).status_code == 200
    lifted = admin.get("/api/audit?action=login_lock_lifted").get_json()
    assert [e["detail"]["username"] for e in lifted] == ["daibieu1"]


@pytest.mark.parametrize("weak", ["123456", "1234567", "password", "12345678", "qwertyuiop"])
def test_a_short_or_common_password_is_refused_with_a_reason(create_user, api, weak):
    create_user("quantri", admin=True)
    answer = api("quantri").post("/api/users", json={"username": "daibieu9", "password": weak})
    assert answer.status_code == 400
    assert answer.get_json()["error"] == "validation_error"
    assert "mật khẩu" in answer.get_json()["message"]


def test_the_demo_password_is_long_and_rare_enough(create_user, api):
    create_user("quantri", admin=True)
    answer = api("quantri").post("/api/users", json={"username": "daibieu9", "password": "phonghop"})
    assert answer.status_code == 201


def test_a_flood_of_unknown_names_is_one_counted_row_on_the_audit_trail(client, create_user, api):
    create_user("quantri", admin=True)
    for n in range(12):
        client.post("/api/login", json={"username": f"khongco{n}", "password": "doan-mot-lan"})
    failed = api("quantri").get("/api/audit?action=login_failed").get_json()
    assert len(failed) == 1
    assert failed[0]["detail"]["reason"] == "unknown_user"
    assert failed[0]["detail"]["count"] == 12
    assert failed[0]["detail"]["usernames"][:2] == ["khongco0", "khongco1"]


def test_a_delegates_own_tablet_still_logs_in_while_its_address_and_account_are_flooded(app, create_user):
    create_user("daibieu1")
    tablet, stranger = app.test_client(), app.test_client()  # both behind the commune's one address
    assert tablet.post("/api/login", json={"username": "daibieu1", "password": PASSWORD}).status_code == 200

    for n in range(60):
        stranger.post("/api/login", json={"username": f"khongco{n}", "password": "doan"})
    for n in range(11):
        stranger.post("/api/login", json={"username": "daibieu1", "password": f"doan-{n}"})
    assert stranger.post("/api/login", json={"username": "daibieu1", "password": PASSWORD}).status_code == 429

    assert tablet.post("/api/login", json={"username": "daibieu1", "password": PASSWORD}).status_code == 200
    assert tablet.post("/login", data={"username": "daibieu1", "password": PASSWORD}).status_code == 302


def test_a_tablet_is_known_only_for_the_account_that_logged_in_on_it(app, create_user):
    create_user("daibieu1")
    create_user("daibieu2")
    tablet = app.test_client()
    assert tablet.post("/api/login", json={"username": "daibieu1", "password": PASSWORD}).status_code == 200
    for n in range(10):
        tablet.post("/api/login", json={"username": "daibieu2", "password": f"doan-{n}"})
    assert tablet.post("/api/login", json={"username": "daibieu2", "password": PASSWORD}).status_code == 429
    # Its own account's guesses are counted for this tablet too.
    for n in range(10):
        tablet.post("/api/login", json={"username": "daibieu1", "password": f"doan-{n}"})
    assert tablet.post("/api/login", json={"username": "daibieu1", "password": PASSWORD}).status_code == 429


def test_an_admins_unlock_reaches_the_delegates_own_tablet_too(app, create_user, api):
    create_user("quantri", admin=True)
    delegate = create_user("daibieu1")
    tablet = app.test_client()
    assert tablet.post("/api/login", json={"username": "daibieu1", "password": PASSWORD}).status_code == 200
    for n in range(10):
        tablet.post("/api/login", json={"username": "daibieu1", "password": f"go-nham-{n}"})
    assert tablet.post("/api/login", json={"username": "daibieu1", "password": PASSWORD}).status_code == 429

    assert api("quantri").post(f"/api/users/{delegate.id}/unlock").status_code == 200

    assert tablet.post("/api/login", json={"username": "daibieu1", "password": PASSWORD}).status_code == 200


def test_a_known_tablet_cannot_log_in_over_and_over_ahead_of_the_hall(app, create_user):
    create_user("daibieu1")
    tablet = app.test_client()
    assert tablet.post("/api/login", json={"username": "daibieu1", "password": PASSWORD}).status_code == 200
    # Known from now on: its logins go first at the gate, ten a minute at most.
    answers = [
        tablet.post("/api/login", json={"username": "daibieu1", "password": PASSWORD}).status_code
        for _ in range(11)
    ]
    assert answers == [200] * 10 + [429]
