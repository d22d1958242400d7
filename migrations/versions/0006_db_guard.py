"""The database holds the line whoever connects: evidence never changes, a decided proposal never changes, a
signed-off report gains no narrative; on PostgreSQL the tables of record are never emptied, and the app's own role
(when migrations run as an owner) is granted only what it uses.

Revision ID: 0006_db_guard
Revises: 0005_sessions
"""

from alembic import op

revision = "0006_db_guard"
down_revision = "0005_sessions"
branch_labels = None
depends_on = None

SIGNED = "(SELECT state FROM reports WHERE id = NEW.report_id) = 'signed_off'"
DECIDED = "OLD.state <> 'pending'"
# (trigger name, table, event, condition or None, message): row triggers on both engines.
RULES = [
    ("evidence_no_update", "evidence", "UPDATE", None, "evidence is never changed"),
    ("evidence_no_delete", "evidence", "DELETE", None, "evidence is never deleted"),
    ("proposals_decided_no_update", "proposals", "UPDATE", DECIDED, "a decided proposal never changes"),
    ("proposals_decided_no_delete", "proposals", "DELETE", DECIDED, "a decided proposal never changes"),
    ("narratives_signed_no_insert", "section_narratives", "INSERT", SIGNED, "a signed-off report never changes"),
    ("narratives_to_signed_no_update", "section_narratives", "UPDATE", SIGNED, "a signed-off report never changes"),
]
# Emptied by TRUNCATE, these would lose the record of what was decided and signed (PostgreSQL statement triggers;
# TRUNCATE of another table that cascades to one of these fires its trigger too).
NEVER_EMPTIED = ("audit_events", "report_snapshots", "reports", "section_narratives", "proposals", "evidence")
TRUNCATE_GUARD = "refuse_truncate"
# Tables of record the app only ever adds to (their triggers refuse the rest anyway).
APPEND_ONLY = ("audit_events", "report_snapshots", "evidence")
RAISE = "USING ERRCODE = 'integrity_constraint_violation'"


def _app_role() -> str | None:
    """The app's role, quoted, when migrations run as another role (migrations/env.py, from the settings)."""
    config = op.get_context().config
    role = config.attributes.get("app_role") if config is not None else None
    return op.get_bind().dialect.identifier_preparer.quote(role) if role else None


def _schema() -> str:
    schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar()
    return op.get_bind().dialect.identifier_preparer.quote(schema)


def upgrade():
    dialect = op.get_bind().dialect.name
    for name, table, event, condition, message in RULES:
        if dialect == "sqlite":
            when = f" WHEN {condition}" if condition else ""
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW{when} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
            continue
        check, end_check = (f"IF {condition} THEN ", " END IF;") if condition else ("", "")
        op.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"{check}RAISE EXCEPTION '{message}' {RAISE};{end_check} "
            "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
        )
        op.execute(f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()")
    if dialect == "sqlite":
        return
    op.execute(
        f"CREATE FUNCTION {TRUNCATE_GUARD}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"RAISE EXCEPTION '% is a table of record and is never emptied', TG_TABLE_NAME {RAISE}; END $$"
    )
    for table in NEVER_EMPTIED:
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {TRUNCATE_GUARD}()"
        )
    role = _app_role()
    if role:
        schema = _schema()
        # Only reading and writing rows: no TRUNCATE, REFERENCES or TRIGGER, no ownership (so no DROP or ALTER).
        op.execute(f"GRANT USAGE ON SCHEMA {schema} TO {role}")
        op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}")
        op.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {role}")
        op.execute(f"REVOKE UPDATE, DELETE ON {', '.join(APPEND_ONLY)} FROM {role}")
        op.execute(f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {role}")
        # Tables and sequences later migrations create (as this owner) get the same.
        op.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}"
        )
        op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE ON SEQUENCES TO {role}")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect != "sqlite":
        role = _app_role()
        if role:
            schema = _schema()
            op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE USAGE ON SEQUENCES FROM {role}")
            op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE ALL ON TABLES FROM {role}")
            op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}")
            op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}")
        for table in NEVER_EMPTIED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {TRUNCATE_GUARD}()")
    for name, table, _event, _condition, _message in RULES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + ("" if dialect == "sqlite" else f" ON {table}"))
        if dialect != "sqlite":
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
