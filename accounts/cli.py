"""`flask users ...`: account administration from the server's shell."""

import click
from flask.cli import AppGroup

from accounts.schemas import NewUser
from accounts.service import create_user
from core.errors import AppError
from core.transactions import unit_of_work
from core.validation import parse

users_cli = AppGroup("users", help="Quản lý tài khoản / manage accounts.")


@users_cli.command("create")
@click.argument("username")
@click.option("--password", required=True, help="Mật khẩu ban đầu (ít nhất 6 ký tự).")
@click.option("--full-name", default="", help="Họ và tên.")
@click.option("--admin", is_flag=True, help="Quản trị viên: tạo tài khoản, xem mọi kỳ họp.")
@unit_of_work
def create_command(username: str, password: str, full_name: str, admin: bool) -> None:
    """Create one account."""
    try:
        payload = {"username": username, "password": password, "full_name": full_name, "is_admin": admin}
        user = create_user(parse(NewUser, payload))
    except AppError as error:
        raise click.ClickException(error.message()) from None
    click.echo(f"Đã tạo tài khoản {user.username} (id {user.id}).")
