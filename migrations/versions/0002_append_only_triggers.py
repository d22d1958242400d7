"""The database itself keeps audit events and report snapshots append-only, and signed-off reports frozen.

Revision ID: 0002_append_only
Revises: 0001_initial
"""

from alembic import op

revision = "0002_append_only"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

# (trigger name, table, event, condition or None, message)
RULES = [
    ("audit_events_no_update", "audit_events", "UPDATE", None, "audit events are append-only"),
    ("audit_events_no_delete", "audit_events", "DELETE", None, "audit events are append-only"),
    ("report_snapshots_no_update", "report_snapshots", "UPDATE", None, "report snapshots are append-only"),
    ("report_snapshots_no_delete", "report_snapshots", "DELETE", None, "report snapshots are append-only"),
    ("reports_signed_no_update", "reports", "UPDATE", "OLD.state = 'signed_off'", "a signed-off report never changes"),
    ("reports_signed_no_delete", "reports", "DELETE", "OLD.state = 'signed_off'", "a signed-off report never changes"),
    (
        "narratives_signed_no_update",
        "section_narratives",
        "UPDATE",
        "(SELECT state FROM reports WHERE id = OLD.report_id) = 'signed_off'",
        "a signed-off report never changes",
    ),
    (
        "narratives_signed_no_delete",
        "section_narratives",
        "DELETE",
        "(SELECT state FROM reports WHERE id = OLD.report_id) = 'signed_off'",
        "a signed-off report never changes",
    ),
]


def upgrade():
    dialect = op.get_bind().dialect.name
    for name, table, event, condition, message in RULES:
        if dialect == "sqlite":
            when = f" WHEN {condition}" if condition else ""
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW{when} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
        else:
            check = f"IF {condition} THEN " if condition else ""
            end_check = " END IF;" if condition else ""
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"{check}RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';{end_check} "
                f"RETURN OLD; END $$"
            )
            op.execute(f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()")


def downgrade():
    dialect = op.get_bind().dialect.name
    for name, table, _event, _condition, _message in RULES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + ("" if dialect == "sqlite" else f" ON {table}"))
        if dialect != "sqlite":
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
