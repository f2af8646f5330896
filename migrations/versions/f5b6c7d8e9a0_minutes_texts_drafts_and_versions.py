"""The minutes: the secretary's paragraphs, the draft's last-seen lines, the chair's locked versions

Revision ID: f5b6c7d8e9a0
Revises: 9f09d572fad2
Create Date: 2026-12-06 21:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f5b6c7d8e9a0"
down_revision = "9f09d572fad2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "minutes_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_minutes_texts_meeting_id_meetings")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_minutes_texts_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_texts")),
        sa.UniqueConstraint("meeting_id", "key", name=op.f("uq_minutes_texts_meeting_id")),
    )
    op.create_index(op.f("ix_minutes_texts_meeting_id"), "minutes_texts", ["meeting_id"], unique=False)
    op.create_table(
        "minutes_drafts",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("seen_lines", sa.JSON(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_minutes_drafts_document_id_documents")
        ),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_minutes_drafts_meeting_id_meetings")),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_minutes_drafts")),
    )
    op.create_table(
        "minutes_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("finalised_by_id", sa.Integer(), nullable=False),
        sa.Column("finalised_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["finalised_by_id"], ["users.id"], name=op.f("fk_minutes_versions_finalised_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_minutes_versions_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_versions")),
        sa.UniqueConstraint("meeting_id", "number", name=op.f("uq_minutes_versions_meeting_id")),
    )
    op.create_index(op.f("ix_minutes_versions_meeting_id"), "minutes_versions", ["meeting_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_minutes_versions_meeting_id"), table_name="minutes_versions")
    op.drop_table("minutes_versions")
    op.drop_table("minutes_drafts")
    op.drop_index(op.f("ix_minutes_texts_meeting_id"), table_name="minutes_texts")
    op.drop_table("minutes_texts")
