"""paragraph labels and legal structure; paragraphs and annotations carried to a new version

Revision ID: c4a1d2e3f5b6
Revises: c41c0a5e1d20
Create Date: 2026-11-30 19:00:00

Documents stored before get their labels here, computed from their paragraphs' text the way
ingest computes them for new uploads (storage.pdf.labels is pure Python over texts).
"""

from alembic import op
import sqlalchemy as sa

from storage.pdf.labels import label_paragraphs

revision = "c4a1d2e3f5b6"
down_revision = "c41c0a5e1d20"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("paragraphs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("label", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("path", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("previous_ids", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("change", sa.String(length=16), nullable=True))
    with op.batch_alter_table("annotations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anchor", sa.JSON(), nullable=True))
    _label_stored_paragraphs()


def _label_stored_paragraphs():
    bind = op.get_bind()
    paragraphs = sa.table(
        "paragraphs",
        sa.column("id", sa.Integer),
        sa.column("document_id", sa.Integer),
        sa.column("number", sa.Integer),
        sa.column("text", sa.Text),
        sa.column("label", sa.String),
        sa.column("path", sa.JSON),
    )
    document_ids = bind.execute(sa.select(paragraphs.c.document_id).distinct()).scalars().all()
    for document_id in document_ids:
        rows = bind.execute(
            sa.select(paragraphs.c.id, paragraphs.c.text)
            .where(paragraphs.c.document_id == document_id)
            .order_by(paragraphs.c.number)
        ).all()
        labels = label_paragraphs([row.text for row in rows])
        updates = [
            {"pid": row.id, "label": label, "path": path}
            for row, (label, path) in zip(rows, labels)
            if label is not None or path is not None
        ]
        if updates:
            bind.execute(
                paragraphs.update()
                .where(paragraphs.c.id == sa.bindparam("pid"))
                .values(label=sa.bindparam("label"), path=sa.bindparam("path")),
                updates,
            )


def downgrade():
    with op.batch_alter_table("annotations", schema=None) as batch_op:
        batch_op.drop_column("anchor")
    with op.batch_alter_table("paragraphs", schema=None) as batch_op:
        batch_op.drop_column("change")
        batch_op.drop_column("previous_ids")
        batch_op.drop_column("path")
        batch_op.drop_column("label")
