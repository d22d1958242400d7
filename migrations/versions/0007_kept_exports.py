"""Kept Word and PDF files of signed-off reports recorded in the database: keyed by the signed snapshot's sha256,
the renderer and the format, with the file's own sha256 (checked before a copy on disk is served) and its bytes.

Revision ID: 0007_kept_exports
Revises: 0006_db_guard
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_kept_exports"
down_revision = "0006_db_guard"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "kept_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_sha256", sa.String(length=64), nullable=False),
        sa.Column("renderer", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=40), nullable=False),
        sa.Column("view_sha256", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kept_exports")),
        sa.UniqueConstraint(
            "snapshot_sha256", "renderer", "format", name=op.f("uq_kept_exports_snapshot_sha256_renderer_format")
        ),
    )


def downgrade():
    op.drop_table("kept_exports")
