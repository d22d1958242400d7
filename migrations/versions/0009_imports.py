"""Imports go through the workflow: a proposal names the import it came from. An upload's rows, as read once,
are kept between its preview and its confirmation instead of the file.

An upload may also be an admin's import that creates its workstream: no workstream yet, but a programme and a
name. Uploads waiting for confirmation are dropped (they last two hours, and the person is asked to upload again).

Revision ID: 0009_imports
Revises: 0008_decisions
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_imports"
down_revision = "0008_decisions"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN on both engines: SQLite does not rebuild the table, so its indexes and triggers stay.
    op.add_column("proposals", sa.Column("source", sa.String(length=300), nullable=False, server_default=""))
    op.execute("DELETE FROM pending_imports")
    with op.batch_alter_table("pending_imports", schema=None) as batch_op:
        batch_op.drop_column("content")
        batch_op.add_column(sa.Column("parsed", sa.Text(), nullable=False))
        batch_op.alter_column("workstream_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("programme_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("workstream_name", sa.String(length=200), nullable=False, server_default=""))
        batch_op.create_foreign_key(
            batch_op.f("fk_pending_imports_programme_id_programmes"),
            "programmes",
            ["programme_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade():
    op.execute("DELETE FROM pending_imports")
    with op.batch_alter_table("pending_imports", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_pending_imports_programme_id_programmes"), type_="foreignkey")
        batch_op.drop_column("workstream_name")
        batch_op.drop_column("programme_id")
        batch_op.alter_column("workstream_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("parsed")
        batch_op.add_column(sa.Column("content", sa.LargeBinary(), nullable=False))
    # DROP COLUMN in place (SQLite 3.35+) rather than a batch rebuild, which would lose the table's triggers.
    op.drop_column("proposals", "source")
