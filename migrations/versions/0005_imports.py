"""Imports go through the workflow: a proposal names the import it came from.

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


def downgrade():
    # DROP COLUMN in place (SQLite 3.35+) rather than a batch rebuild, which would lose the table's triggers.
    op.drop_column("proposals", "source")
