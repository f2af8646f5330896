"""`flask polls verify`: whether every closed poll's stored ballots still match its digest."""

import click
from flask.cli import AppGroup

from sittings import polls

polls_cli = AppGroup("polls", help="Biểu quyết: kiểm tra kết quả đã lưu.")


@polls_cli.command("verify")
def verify_command():
    """Recompute each closed poll's hash chain; exit 1 if any stored ballot changed."""
    broken = 0
    for poll in polls.closed_polls():
        ok = polls.verify(poll)
        broken += not ok
        click.echo(f"{'OK ' if ok else 'SAI'} #{poll.id} {poll.digest} {poll.title} — {poll.result_text}")
    if broken:
        click.echo(f"{broken} biểu quyết không khớp với mã kiểm tra.", err=True)
        raise SystemExit(1)
    click.echo("Mọi biểu quyết đã kết thúc đều khớp với mã kiểm tra.")
