"""points d'avancement numbered per priority, unique: concurrent writers cannot both add "the next" point

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("priority_update") as batch:
        batch.add_column(sa.Column("sequence", sa.Integer(), nullable=True))
    # Existing points keep the order they were recorded in.
    op.execute(sa.text(
        "UPDATE priority_update SET sequence = (SELECT COUNT(*) FROM priority_update AS earlier "
        "WHERE earlier.priority_id = priority_update.priority_id AND earlier.id <= priority_update.id)"
    ))
    with op.batch_alter_table("priority_update") as batch:
        batch.alter_column("sequence", existing_type=sa.Integer(), nullable=False)
        batch.create_unique_constraint("uq_priority_update_priority_sequence", ["priority_id", "sequence"])


def downgrade() -> None:
    with op.batch_alter_table("priority_update") as batch:
        batch.drop_constraint("uq_priority_update_priority_sequence", type_="unique")
        batch.drop_column("sequence")
