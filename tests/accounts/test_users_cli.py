"""`flask users create` as an office's IT person uses it from the server's shell."""

from accounts.service import find_user


def test_creating_an_admin_from_the_shell(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "quantri", "--password", "matkhau1", "--admin"]
    )
    assert result.exit_code == 0, result.output
    assert "quantri" in result.output
    assert find_user("quantri").is_admin


def test_a_taken_username_is_refused_in_vietnamese(app, create_user):
    create_user("quantri")
    result = app.test_cli_runner().invoke(args=["users", "create", "quantri", "--password", "matkhau1"])
    assert result.exit_code == 1
    assert "đã có người dùng" in result.output


def test_a_bad_username_or_short_password_is_refused_clearly(app):
    result = app.test_cli_runner().invoke(args=["users", "create", "co dau cach", "--password", "x"])
    assert result.exit_code == 1
    assert "Dữ liệu không hợp lệ" in result.output
    assert "Traceback" not in result.output
