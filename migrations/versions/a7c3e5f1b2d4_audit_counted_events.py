"""Counted audit events: one row per key and window, its count bumped by the database

Revision ID: a7c3e5f1b2d4
Revises: f5b6c7d8e9a0
Create Date: 2026-12-07 00:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a7c3e5f1b2d4"
down_revision = "f5b6c7d8e9a0"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("tally_key", sa.String(length=160), nullable=True))
        batch.add_column(sa.Column("count", sa.Integer(), server_default="1", nullable=False))
        batch.create_unique_constraint(batch.f("uq_audit_events_tally_key"), ["tally_key"])


def downgrade():
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_constraint(batch.f("uq_audit_events_tally_key"), type_="unique")
        batch.drop_column("count")
        batch.drop_column("tally_key")
