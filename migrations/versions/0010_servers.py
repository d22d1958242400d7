"""Many servers, one service: board pack PDFs drawn by a job (with their progress) and the scheduled runs claimed
are kept in the database; on PostgreSQL the job queue's own schema (procrastinate's tables, types and functions,
as procrastinate 3.10 ships it), so ``flask db upgrade`` stays the one command. SQLite keeps its queue in memory.

Revision ID: 0010_servers
Revises: 0009_imports
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_servers"
down_revision = "0009_imports"
branch_labels = None
depends_on = None

# The procrastinate release whose schema this revision applies. A later release brings its own SQL migrations
# (procrastinate/sql/migrations): a new revision applies them when the pin moves (tests/jobs checks the pin).
PROCRASTINATE_SCHEMA = "3.10.0"


def upgrade():
    op.create_table(
        "prepared_packs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("pack_sha256", sa.String(length=64), nullable=False),
        sa.Column("workstream_ids", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("papers_total", sa.Integer(), nullable=False),
        sa.Column("papers_drawn", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["board_meetings.id"], name=op.f("fk_prepared_packs_meeting_id_board_meetings")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_prepared_packs_requested_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prepared_packs")),
        sa.UniqueConstraint("pack_sha256", name=op.f("uq_prepared_packs_pack_sha256")),
    )
    op.create_index(op.f("ix_prepared_packs_meeting_id"), "prepared_packs", ["meeting_id"], unique=False)
    op.create_table(
        "scheduled_runs",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("scheduled_for", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", "scheduled_for", name=op.f("pk_scheduled_runs")),
    )
    if op.get_bind().dialect.name == "postgresql":
        from procrastinate.schema import SchemaManager

        # procrastinate's schema as one script, sent without parameters (hence the doubled %).
        op.get_bind().exec_driver_sql(SchemaManager.get_schema().replace("%", "%%"))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        bind = op.get_bind()
        for table in ("procrastinate_events", "procrastinate_periodic_defers", "procrastinate_jobs"):
            bind.exec_driver_sql(f"DROP TABLE IF EXISTS {table} CASCADE")
        bind.exec_driver_sql("DROP TABLE IF EXISTS procrastinate_workers CASCADE")
        functions = bind.exec_driver_sql(
            "SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.proname LIKE 'procrastinate\\_%%' "
            "AND p.pronamespace = current_schema()::regnamespace"
        ).scalars()
        for function in list(functions):
            bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS {function} CASCADE")
        for kind in ("procrastinate_job_to_defer_v1", "procrastinate_job_event_type", "procrastinate_job_status"):
            bind.exec_driver_sql(f"DROP TYPE IF EXISTS {kind} CASCADE")
    op.drop_table("scheduled_runs")
    op.drop_index(op.f("ix_prepared_packs_meeting_id"), table_name="prepared_packs")
    op.drop_table("prepared_packs")
