"""council rosters: the delegates of each council; members of its meetings join it

Revision ID: d2b7e0c4a913
Revises: c4a1d2e3f5b6
Create Date: 2026-11-30 21:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd2b7e0c4a913'
down_revision = 'c4a1d2e3f5b6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('council_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_council_members_council_id_councils')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_council_members_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_members')),
    sa.UniqueConstraint('council_id', 'user_id', name=op.f('uq_council_members_council_id'))
    )
    with op.batch_alter_table('council_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_members_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_members_user_id'), ['user_id'], unique=False)
    # Whoever already takes part in a council's meeting stays able to: they join its roster.
    op.execute(
        "INSERT INTO council_members (council_id, user_id, added_at) "
        "SELECT DISTINCT meetings.council_id, memberships.user_id, CURRENT_TIMESTAMP "
        "FROM memberships JOIN meetings ON meetings.id = memberships.meeting_id "
        "WHERE meetings.council_id IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table('council_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_council_members_council_id'))
    op.drop_table('council_members')
