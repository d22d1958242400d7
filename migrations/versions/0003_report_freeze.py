"""No new snapshot for a signed-off report: what the sponsor signed stays the report's last snapshot for good.

Revision ID: 0003_report_snapshot_guard
Revises: 0002_append_only
"""

from alembic import op

revision = "0003_report_snapshot_guard"
down_revision = "0002_append_only"
branch_labels = None
depends_on = None

NAME = "report_snapshots_signed_no_insert"
CONDITION = "(SELECT state FROM reports WHERE id = NEW.report_id) = 'signed_off'"
MESSAGE = "a signed-off report never changes"


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"CREATE TRIGGER {NAME} BEFORE INSERT ON report_snapshots FOR EACH ROW WHEN {CONDITION} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
        return
    op.execute(
        f"CREATE FUNCTION {NAME}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF {CONDITION} THEN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; END IF; "
        f"RETURN NEW; END $$"
    )
    op.execute(f"CREATE TRIGGER {NAME} BEFORE INSERT ON report_snapshots FOR EACH ROW EXECUTE FUNCTION {NAME}()")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {NAME}")
        return
    op.execute(f"DROP TRIGGER IF EXISTS {NAME} ON report_snapshots")
    op.execute(f"DROP FUNCTION IF EXISTS {NAME}()")
