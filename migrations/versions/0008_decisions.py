"""Decisions needed from the board: raised on a report, answered on the same or a later one.

Revision ID: 0008_decisions
Revises: 0007_kept_exports
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_decisions"
down_revision = "0007_kept_exports"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "board_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workstream_id", sa.Integer(), nullable=False),
        sa.Column("raised_on_report_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("answered_on_report_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workstream_id"], ["workstreams.id"], name=op.f("fk_board_decisions_workstream_id_workstreams")
        ),
        sa.ForeignKeyConstraint(
            ["raised_on_report_id"], ["reports.id"], name=op.f("fk_board_decisions_raised_on_report_id_reports")
        ),
        sa.ForeignKeyConstraint(
            ["answered_on_report_id"], ["reports.id"], name=op.f("fk_board_decisions_answered_on_report_id_reports")
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_board_decisions_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_decisions")),
    )
    with op.batch_alter_table("board_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_board_decisions_workstream_id"), ["workstream_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_board_decisions_raised_on_report_id"), ["raised_on_report_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_board_decisions_answered_on_report_id"), ["answered_on_report_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("board_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_board_decisions_answered_on_report_id"))
        batch_op.drop_index(batch_op.f("ix_board_decisions_raised_on_report_id"))
        batch_op.drop_index(batch_op.f("ix_board_decisions_workstream_id"))
    op.drop_table("board_decisions")
