"""councils: a province's councils, their officers, and the council of each meeting

Revision ID: c41c0a5e1d20
Revises: 5c1e0a7d9f21
Create Date: 2026-11-30 19:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c41c0a5e1d20'
down_revision = '5c1e0a7d9f21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('councils',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_councils')),
    sa.UniqueConstraint('name', name=op.f('uq_councils_name'))
    )
    op.create_table('council_officers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_council_officers_council_id_councils')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_council_officers_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_officers')),
    sa.UniqueConstraint('council_id', 'user_id', name=op.f('uq_council_officers_council_id'))
    )
    with op.batch_alter_table('council_officers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_officers_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_officers_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('council_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_meetings_council_id'), ['council_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_meetings_council_id_councils'), 'councils', ['council_id'], ['id'])


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meetings_council_id_councils'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_meetings_council_id'))
        batch_op.drop_column('council_id')

    with op.batch_alter_table('council_officers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_officers_user_id'))
        batch_op.drop_index(batch_op.f('ix_council_officers_council_id'))

    op.drop_table('council_officers')
    op.drop_table('councils')
