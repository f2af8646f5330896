"""Accounts as the contract describes them: creation by an admin, login by password and token."""

import io

import pytest
from openpyxl import Workbook

from tests.conftest import PASSWORD


def test_admin_creates_an_account_that_can_then_log_in(create_user, api, client):
    create_user("quantri", admin=True)
    response = api("quantri").post(
        "/api/users", json={"username": "daibieu7", "password": "bimat123", "full_name": "Lường Văn Bảy"}
    )
    assert response.status_code == 201
    assert isinstance(response.get_json()["id"], int)
    login = client.post("/api/login", json={"username": "daibieu7", "password": "bimat123"})
    assert login.status_code == 200
    assert login.get_json()["token"]
    assert any(cookie.startswith("session=") for cookie in login.headers.getlist("Set-Cookie"))


def test_a_taken_username_is_refused_with_409(create_user, api):
    create_user("quantri", admin=True)
    create_user("daibieu1")
    response = api("quantri").post(
        "/api/users", json={"username": "DaiBieu1", "password": "bimat123", "full_name": "X"}
    )
    assert response.status_code == 409
    assert response.get_json()["error"] == "username_taken"


def test_only_admins_create_accounts(create_user, api):
    create_user("daibieu1")
    response = api("daibieu1").post(
        "/api/users", json={"username": "x1", "password": "bimat123", "full_name": "X"}
    )
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"


@pytest.mark.parametrize(
    "credentials",
    [{"username": "daibieu1", "password": "sai-mat-khau"}, {"username": "khongco", "password": PASSWORD}],
)
def test_wrong_credentials_get_401_in_vietnamese(create_user, client, credentials):
    create_user("daibieu1")
    response = client.post("/api/login", json=credentials)
    assert response.status_code == 401
    assert response.get_json() == {
        "error": "invalid_credentials",
        "message": "Tên đăng nhập hoặc mật khẩu không đúng.",
    }


def test_passwords_are_stored_hashed(create_user):
    user = create_user("daibieu1")
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith("$argon2id$")


def test_a_bearer_token_authenticates_api_calls_and_garbage_does_not(create_user, token_for, client):
    create_user("daibieu1")
    token = token_for("daibieu1")
    assert (
        client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).get_json()["username"]
        == "daibieu1"
    )
    anonymous = client.application.test_client()
    assert anonymous.get("/api/me", headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    assert anonymous.get("/api/meetings").status_code == 401


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '{"username": 5}'])
def test_malformed_login_bodies_get_400_not_500(client, body):
    response = client.post("/api/login", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"] in {"invalid_json", "validation_error"}


def test_the_login_form_signs_a_browser_in_and_out(create_user, client):
    create_user("daibieu1")
    assert client.get("/").status_code == 302
    bad = client.post("/login", data={"username": "daibieu1", "password": "sai"})
    assert "không đúng" in bad.get_data(as_text=True)
    good = client.post("/login", data={"username": "daibieu1", "password": PASSWORD})
    assert good.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_the_login_form_never_redirects_to_another_host(create_user, client):
    create_user("daibieu1")
    response = client.post("/login?next=//evil.example/", data={"username": "daibieu1", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_importing_the_roster_keeps_good_rows_and_reports_bad_ones_by_line(create_user, api, fmt):
    create_user("quantri", admin=True)
    create_user("daibieu1")
    rows = [
        ["Tên đăng nhập", "Họ và tên", "Chức vụ", "Đơn vị"],
        ["daibieu2", "Ma Văn Dũng", "Đại biểu", "Xã La Hiên"],
        ["daibieu1", "Trùng tên", "Đại biểu", "Xã Tràng Xá"],
        ["co dau cach", "Sai tên đăng nhập", "", ""],
        ["daibieu3", "Triệu Thị Hoa", "Phó Chủ tịch", "Xã Thần Sa"],
    ]
    if fmt == "csv":
        data = "\ufeff" + "\n".join(",".join(row) for row in rows)
        payload = data.encode("utf-8")
    else:
        payload = _xlsx(rows)
    response = api("quantri").post(
        "/api/users/import",
        data={"file": (io.BytesIO(payload), f"danh-sach.{fmt}")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201
    report = response.get_json()
    assert [row["username"] for row in report["created"]] == ["daibieu2", "daibieu3"]
    assert all(len(row["password"]) >= 8 for row in report["created"])
    assert [(p["line"], p["field"]) for p in report["problems"]] == [(3, "username"), (4, "username")]
    assert report["problems"][0]["error"] == "username_taken"


def test_a_roster_that_is_not_a_spreadsheet_gets_a_clear_error(create_user, api):
    create_user("quantri", admin=True)
    response = api("quantri").post(
        "/api/users/import",
        data={"file": (io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\xff"), "ds.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "roster_unreadable"
