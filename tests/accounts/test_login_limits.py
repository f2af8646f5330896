"""Guessing a delegate's password is slowed down; a hall logging in from one address is not."""

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def cheap_hashes(monkeypatch):
    """Dozens of logins per test: the production hash cost would only slow the test down."""
    from werkzeug.security import generate_password_hash

    monkeypatch.setattr(
        "accounts.service.generate_password_hash",
        lambda password: generate_password_hash(password, "pbkdf2:sha256:1"),
    )


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


def test_a_whole_hall_behind_one_address_logs_in(client, create_user, cheap_hashes):
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
