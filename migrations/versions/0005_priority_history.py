"""archived framework nodes and priorities; the former texts of reworded priorities

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 05:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("framework_node", "priority"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("archived", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "priority_text_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("replaced_on", sa.Date(), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["app_user.id"], name=op.f("fk_priority_text_revision_author_id_app_user"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["priority_id"], ["priority.id"],
                                name=op.f("fk_priority_text_revision_priority_id_priority"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_priority_text_revision")),
    )
    with op.batch_alter_table("priority_text_revision") as batch:
        batch.create_index(batch.f("ix_priority_text_revision_priority_id"), ["priority_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("priority_text_revision") as batch:
        batch.drop_index(batch.f("ix_priority_text_revision_priority_id"))
    op.drop_table("priority_text_revision")
    for table in ("priority", "framework_node"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("archived")
