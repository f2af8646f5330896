"""`flask annotations ...`: upkeep of the annotation tables from the server's shell."""

from datetime import timedelta

import click
from flask.cli import AppGroup

from annotations.service import prune_processed_operations
from core.transactions import unit_of_work

annotations_cli = AppGroup("annotations", help="Bảo trì dữ liệu ý kiến / annotation upkeep.")


@annotations_cli.command("prune-ops")
@click.option(
    "--older-than-days",
    type=click.IntRange(min=1),
    default=30,
    show_default=True,
    help="Xóa xác nhận thao tác cũ hơn số ngày này.",
)
@unit_of_work
def prune_ops_command(older_than_days: int) -> None:
    """Delete the stored acks of old operations (processed_operations), which otherwise only grow."""
    pruned = prune_processed_operations(timedelta(days=older_than_days))
    click.echo(f"Đã xóa {pruned} xác nhận thao tác cũ hơn {older_than_days} ngày.")
