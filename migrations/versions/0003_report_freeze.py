"""Keep a signed-off report frozen: no snapshot is added after sign-off, and on PostgreSQL the freeze triggers of
0002 let allowed changes through.

0002's PostgreSQL trigger functions returned OLD from BEFORE UPDATE triggers, which writes the old row back: every
update of a report or a narrative, draft or not, was silently dropped. They now return NEW for an update (OLD for a
delete) and still refuse any change to a signed-off report.

Revision ID: 0003_report_freeze
Revises: 0002_append_only
"""

from alembic import op

revision = "0003_report_freeze"
down_revision = "0002_append_only"
branch_labels = None
depends_on = None

MESSAGE = "a signed-off report never changes"
SIGNED_REPORT = "OLD.state = 'signed_off'"
SIGNED_PARENT = "(SELECT state FROM reports WHERE id = OLD.report_id) = 'signed_off'"
# 0002's conditional PostgreSQL trigger functions, by name, with the condition that refuses the change.
CONDITIONAL = {
    "reports_signed_no_update": SIGNED_REPORT,
    "reports_signed_no_delete": SIGNED_REPORT,
    "narratives_signed_no_update": SIGNED_PARENT,
    "narratives_signed_no_delete": SIGNED_PARENT,
}
INSERT_GUARD = "report_snapshots_signed_no_insert"
INSERT_CONDITION = "(SELECT state FROM reports WHERE id = NEW.report_id) = 'signed_off'"
RAISE = f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';"


def _function(name: str, condition: str, returns: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF {condition} THEN {RAISE} END IF; {returns} END $$"
    )


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"CREATE TRIGGER {INSERT_GUARD} BEFORE INSERT ON report_snapshots FOR EACH ROW WHEN {INSERT_CONDITION} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
        return
    for name, condition in CONDITIONAL.items():
        op.execute(_function(name, condition, "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW;"))
    op.execute(_function(INSERT_GUARD, INSERT_CONDITION, "RETURN NEW;"))
    op.execute(
        f"CREATE TRIGGER {INSERT_GUARD} BEFORE INSERT ON report_snapshots FOR EACH ROW EXECUTE FUNCTION {INSERT_GUARD}()"
    )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {INSERT_GUARD}")
        return
    op.execute(f"DROP TRIGGER IF EXISTS {INSERT_GUARD} ON report_snapshots")
    op.execute(f"DROP FUNCTION IF EXISTS {INSERT_GUARD}()")
    for name, condition in CONDITIONAL.items():
        op.execute(_function(name, condition, "RETURN OLD;"))
