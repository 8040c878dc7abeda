"""contracts and neighbourhoods administered from the UI: EPCI, communes, archived flags

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.add_column(sa.Column('epci', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('communes', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('archived', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('neighbourhood', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('neighbourhood', schema=None) as batch_op:
        batch_op.drop_column('archived')

    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_column('archived')
        batch_op.drop_column('communes')
        batch_op.drop_column('epci')
