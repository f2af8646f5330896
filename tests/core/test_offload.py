"""Under gevent, password checks and roster parsing run on another OS thread, not the event loop."""

import io
import threading

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def threads_used(app, monkeypatch):
    """Serve as `python wsgi.py` does (gevent), noting the OS thread of each offloaded call."""
    import core.offload

    seen: list[int] = []
    real = core.offload._at_low_priority

    def noting(function, *args):
        seen.append(threading.get_ident())
        return real(function, *args)

    app.config["SOCKETIO_ASYNC_MODE"] = "gevent"
    monkeypatch.setattr(core.offload, "_at_low_priority", noting)
    return seen


def test_a_login_checks_the_password_on_another_thread(client, create_user, threads_used):
    create_user("daibieu1")
    assert client.post("/api/login", json={"username": "daibieu1", "password": PASSWORD}).status_code == 200
    assert threads_used
    assert threading.get_ident() not in threads_used


def test_a_roster_is_parsed_and_hashed_on_another_thread(api, create_user, threads_used):
    create_user("quantri", admin=True)
    caller = api("quantri")
    threads_used.clear()
    roster = "Tên đăng nhập,Họ và tên\ndaibieu6,Lường Văn Sáu\ndaibieu7,Ma Thị Bảy\n".encode()
    response = caller.post(
        "/api/users/import", data={"file": (io.BytesIO(roster), "ds.csv")}, content_type="multipart/form-data"
    )
    assert [row["username"] for row in response.get_json()["created"]] == ["daibieu6", "daibieu7"]
    assert len(threads_used) == 2  # one trip to parse, one to hash every row
    assert threading.get_ident() not in threads_used
