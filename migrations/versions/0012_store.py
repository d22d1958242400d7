"""Kept exports whose bytes live in an object store: ``kept_exports.content`` may be empty (NULL), the record then
keeping only the file's key, sha256 and size. Existing records keep their bytes. kept_exports has no triggers; on
SQLite the batch rebuild copies every row.

Revision ID: 0012_store
Revises: 0011_signin
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_store"
down_revision = "0011_signin"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("kept_exports") as batch:
        batch.alter_column("content", existing_type=sa.LargeBinary(), nullable=True)


def downgrade():
    # Records without bytes point into the object store; without them the files are drawn again when next asked for.
    op.execute("DELETE FROM kept_exports WHERE content IS NULL")
    with op.batch_alter_table("kept_exports") as batch:
        batch.alter_column("content", existing_type=sa.LargeBinary(), nullable=False)
