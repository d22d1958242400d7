"""Imports go through the workflow: a proposal names the import it came from. An upload's rows, as read once,
are kept between its preview and its confirmation instead of the file.

Uploads waiting for confirmation are dropped (they last two hours, and the person is asked to upload again).

Revision ID: 0005_imports
Revises: 0004_merge
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_imports"
down_revision = "0004_merge"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN on both engines: SQLite does not rebuild the table, so its indexes and triggers stay.
    op.add_column("proposals", sa.Column("source", sa.String(length=300), nullable=False, server_default=""))
    op.execute("DELETE FROM pending_imports")
    with op.batch_alter_table("pending_imports", schema=None) as batch_op:
        batch_op.drop_column("content")
        batch_op.add_column(sa.Column("parsed", sa.Text(), nullable=False))


def downgrade():
    op.execute("DELETE FROM pending_imports")
    with op.batch_alter_table("pending_imports", schema=None) as batch_op:
        batch_op.drop_column("parsed")
        batch_op.add_column(sa.Column("content", sa.LargeBinary(), nullable=False))
    # DROP COLUMN in place (SQLite 3.35+) rather than a batch rebuild, which would lose the table's triggers.
    op.drop_column("proposals", "source")
