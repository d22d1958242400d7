"""Uploaded plan spreadsheets kept between the import preview and its confirmation.

Revision ID: 0003_pending_imports
Revises: 0002_append_only
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_pending_imports"
down_revision = "0002_append_only"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pending_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workstream_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_pending_imports_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workstream_id"],
            ["workstreams.id"],
            name=op.f("fk_pending_imports_workstream_id_workstreams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_imports")),
    )
    with op.batch_alter_table("pending_imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_imports_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_pending_imports_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pending_imports_workstream_id"), ["workstream_id"], unique=False)


def downgrade():
    with op.batch_alter_table("pending_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_imports_workstream_id"))
        batch_op.drop_index(batch_op.f("ix_pending_imports_user_id"))
        batch_op.drop_index(batch_op.f("ix_pending_imports_created_at"))
    op.drop_table("pending_imports")
