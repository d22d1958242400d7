"""Join the report-freeze and pending-imports branches into one history.

Revision ID: 0004_merge
Revises: 0003_pending_imports, 0003_report_freeze
"""

revision = "0004_merge"
down_revision = ("0003_pending_imports", "0003_report_freeze")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
