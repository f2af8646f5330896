"""`flask users ...`: account administration from the server's shell."""

import click
from flask.cli import AppGroup

from accounts.schemas import NewUser
from accounts.service import create_user
from core.errors import AppError

users_cli = AppGroup("users", help="Quản lý tài khoản / manage accounts.")


@users_cli.command("create")
@click.argument("username")
@click.option("--password", required=True, help="Mật khẩu ban đầu (ít nhất 6 ký tự).")
@click.option("--full-name", default="", help="Họ và tên.")
@click.option("--admin", is_flag=True, help="Quản trị viên: tạo tài khoản, xem mọi kỳ họp.")
def create_command(username: str, password: str, full_name: str, admin: bool) -> None:
    """Create one account."""
    try:
        user = create_user(NewUser(username=username, password=password, full_name=full_name, is_admin=admin))
    except AppError as error:
        raise click.ClickException(error.message()) from None
    except ValueError as error:  # pydantic's ValidationError
        raise click.ClickException(str(error)) from None
    click.echo(f"Đã tạo tài khoản {user.username} (id {user.id}).")
