"""Logins that end: logout, a password change and a disabled account end tokens, session and
remember cookies everywhere; after login only this site's own pages are followed."""

from urllib.parse import urlsplit

import pytest

from core.extensions import db, socketio
from tests.conftest import PASSWORD


@pytest.fixture
def delegate(create_user):
    create_user("quantri", admin=True)
    return create_user("daibieu1")


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _me(app, token: str) -> int:
    """What a device holding only this token gets (the test client would also send its cookie)."""
    return app.test_client().get("/api/me", headers=_bearer(token)).status_code


def _form_login(client, username="daibieu1", password=PASSWORD, **query):
    return client.post("/login", query_string=query, data={"username": username, "password": password})


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example",
        "/\n/evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "\\/evil.example",
        " //evil.example",
        "https://evil.example/",
        "https:evil.example",
        "javascript:alert(1)",
        "/\t\\/evil.example/path",
    ],
)
def test_login_never_sends_the_browser_to_another_site(client, delegate, target):
    response = _form_login(client, next=target)
    assert response.status_code == 302
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert parts.netloc in ("", "localhost")
    assert parts.scheme in ("", "http")
    assert not location.startswith("//")
    assert "evil.example" not in parts.netloc
    assert location == "/"


def test_login_returns_to_the_page_that_asked_for_it(client, delegate):
    response = _form_login(client, next="/meetings/7?lang=en")
    assert response.headers["Location"] == "/meetings/7?lang=en"


def test_api_logout_ends_the_token_it_was_called_with_and_the_session(client, delegate):
    login = client.post("/api/login", json={"username": "daibieu1", "password": PASSWORD})
    token = login.get_json()["token"]
    session_cookie = client.get_cookie("session").value
    assert client.get("/api/me", headers=_bearer(token)).status_code == 200

    assert client.post("/api/logout", headers=_bearer(token)).get_json() == {"ok": True}

    assert client.get("/api/me", headers=_bearer(token)).status_code == 401
    client.set_cookie("session", session_cookie)  # a copy of the cookie taken before logout
    assert client.get("/api/me").status_code == 401


def test_logging_out_on_one_device_leaves_the_others_signed_in(app, delegate, token_for):
    phone, tablet = token_for("daibieu1"), token_for("daibieu1")
    api_client = app.test_client()  # tokens only, no cookie
    api_client.post("/api/logout", headers=_bearer(phone))
    assert api_client.get("/api/me", headers=_bearer(phone)).status_code == 401
    assert api_client.get("/api/me", headers=_bearer(tablet)).status_code == 200


def test_the_remember_cookie_differs_on_every_login_and_dies_with_logout(app, delegate):
    first, second = app.test_client(), app.test_client()
    _form_login(first)
    _form_login(second)
    remembered = first.get_cookie("remember_token").value
    assert remembered != second.get_cookie("remember_token").value

    first.post("/logout")
    stranger = app.test_client()  # only the remember cookie, as a browser restarted later sends it
    stranger.set_cookie("remember_token", remembered)
    assert stranger.get("/api/me").status_code == 401
    assert second.get("/api/me").status_code == 200


def test_a_password_change_needs_the_old_password_and_ends_every_other_login(
    app, client, delegate, token_for
):
    other_device = token_for("daibieu1")
    this_device = token_for("daibieu1")
    wrong = client.post(
        "/api/me/password",
        headers=_bearer(this_device),
        json={"old_password": "doan-sai", "new_password": "mat khau moi "},
    )
    assert wrong.status_code == 403
    assert wrong.get_json()["error"] == "wrong_old_password"

    changed = client.post(
        "/api/me/password",
        headers=_bearer(this_device),
        json={"old_password": PASSWORD, "new_password": "mat khau moi "},
    )
    assert changed.status_code == 200
    assert _me(app, other_device) == 401
    assert _me(app, this_device) == 401
    assert _me(app, changed.get_json()["token"]) == 200
    assert client.post("/api/login", json={"username": "daibieu1", "password": PASSWORD}).status_code == 401
    ok = client.post("/api/login", json={"username": "daibieu1", "password": "mat khau moi "})
    assert ok.status_code == 200


def test_the_password_page_changes_the_password_and_keeps_this_browser_signed_in(client, delegate):
    _form_login(client)
    page = client.get("/account/password")
    assert page.status_code == 200
    response = client.post(
        "/account/password", data={"old_password": PASSWORD, "new_password": "mat-khau-moi-2"}
    )
    assert response.status_code == 302
    assert client.get("/api/me").status_code == 200
    assert (
        client.post("/api/login", json={"username": "daibieu1", "password": "mat-khau-moi-2"}).status_code
        == 200
    )


def test_an_admin_disables_an_account_everywhere_and_enables_it_again(app, client, api, delegate, token_for):
    token = token_for("daibieu1")
    disabled = api("quantri").patch(f"/api/users/{delegate.id}", json={"is_active": False})
    assert disabled.status_code == 200
    assert disabled.get_json()["is_active"] is False
    assert _me(app, token) == 401
    assert client.post("/api/login", json={"username": "daibieu1", "password": PASSWORD}).status_code == 401

    api("quantri").patch(f"/api/users/{delegate.id}", json={"is_active": True})
    assert client.post("/api/login", json={"username": "daibieu1", "password": PASSWORD}).status_code == 200
    assert _me(app, token) == 401  # old logins stay ended


def test_disabling_an_account_drops_its_live_connections(app, api, delegate, token_for):
    live = socketio.test_client(app, auth={"token": token_for("daibieu1")})
    assert live.is_connected()
    api("quantri").patch(f"/api/users/{delegate.id}", json={"is_active": False})
    assert not live.is_connected()


def test_logout_drops_that_logins_live_connections_only(app, delegate, token_for):
    phone, tablet = token_for("daibieu1"), token_for("daibieu1")
    on_phone = socketio.test_client(app, auth={"token": phone})
    on_tablet = socketio.test_client(app, auth={"token": tablet})
    app.test_client().post("/api/logout", headers=_bearer(phone))
    assert not on_phone.is_connected()
    assert on_tablet.is_connected()
    on_tablet.disconnect()


def test_an_admin_cannot_lock_themselves_out(api, create_user):
    admin = create_user("quantri", admin=True)
    response = api("quantri").patch(f"/api/users/{admin.id}", json={"is_active": False})
    assert response.status_code == 409
    assert response.get_json()["error"] == "cannot_disable_self"


def test_only_admins_disable_accounts(api, delegate, create_user):
    create_user("daibieu2")
    response = api("daibieu2").patch(f"/api/users/{delegate.id}", json={"is_active": False})
    assert response.status_code == 403


def test_cookies_are_secure_behind_https(app, delegate):
    app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    response = _form_login(app.test_client())
    cookies = response.headers.getlist("Set-Cookie")
    assert all("Secure" in cookie for cookie in cookies if cookie.startswith(("session=", "remember_token=")))
    assert len([c for c in cookies if c.startswith(("session=", "remember_token="))]) == 2


@pytest.fixture
def one_connection(monkeypatch):
    """A database pool of one connection that waits a fifth of a second for it (before `app`)."""
    monkeypatch.setenv("DB_POOL_SIZE", "1")
    monkeypatch.setenv("DB_MAX_OVERFLOW", "0")
    monkeypatch.setenv("DB_POOL_TIMEOUT_S", "0.2")


def test_a_socket_that_finds_no_database_connection_is_refused_as_busy_and_comes_in_later(
    one_connection, app, delegate, token_for
):
    # A vote's reconnect storm: every connection is taken when the tablet comes back. It is told
    # `server_busy` (static/js/app.js asks again), never left without an answer.
    token = token_for("daibieu1")
    db.session.remove()
    held = db.engine.connect()
    refused = socketio.test_client(app, auth={"token": token})
    assert not refused.is_connected()
    held.close()
    later = socketio.test_client(app, auth={"token": token})
    assert later.is_connected()
    later.disconnect()


def test_a_socket_whose_connect_fails_unexpectedly_is_refused_not_left_waiting(
    app, delegate, token_for, monkeypatch
):
    token = token_for("daibieu1")

    def broken(auth):
        raise RuntimeError("a fault nobody foresaw")

    monkeypatch.setattr("accounts.events.socket_user", broken)
    refused = socketio.test_client(app, auth={"token": token})
    assert not refused.is_connected()
    monkeypatch.undo()
    assert socketio.test_client(app, auth={"token": token}).is_connected()
