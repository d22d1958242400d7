"""Sign-in a council's IT will approve: single sign-on, a second factor, invitations and password resets.

users: the single sign-on identity an account is linked to (issuer and subject, unique together) and the second
factor (TOTP secret, one being set up, the last time step accepted, when it was set up). Every column is added
in place (nullable, no table rebuild on SQLite, whose rebuild of users would cascade to memberships); existing
users keep their passwords and have no second factor until they set one up.

account_tokens: single-use invitation and password-reset links (sha256 only). recovery_codes: argon2id hashes of
each user's ten codes. remembered_devices: browsers that skip the second factor for at most 30 days (sha256 only).
held_forms: what was posted to an action that first needed a fresh second factor.

Revision ID: 0011_signin
Revises: 0010_servers
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_signin"
down_revision = "0010_servers"
branch_labels = None
depends_on = None

USER_COLUMNS = (
    sa.Column("oidc_issuer", sa.String(length=300), nullable=True),
    sa.Column("oidc_subject", sa.String(length=255), nullable=True),
    sa.Column("totp_secret", sa.String(length=64), nullable=True),
    sa.Column("totp_new_secret", sa.String(length=64), nullable=True),
    sa.Column("totp_last_step", sa.Integer(), nullable=True),
    sa.Column("totp_set_up_at", sa.DateTime(timezone=True), nullable=True),
)


def _user_table(name: str, *columns: sa.Column) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f(f"fk_{name}_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    op.create_index(op.f(f"ix_{name}_user_id"), name, ["user_id"], unique=False)


def upgrade():
    # Plain ADD COLUMN and CREATE INDEX on both engines: SQLite does not rebuild the users table.
    for column in USER_COLUMNS:
        op.add_column("users", column)
    op.create_index("ix_users_oidc_identity", "users", ["oidc_issuer", "oidc_subject"], unique=True)

    _user_table(
        "account_tokens",
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_tokens_token_hash")),
    )
    _user_table(
        "recovery_codes",
        sa.Column("code_hash", sa.String(length=255), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    _user_table(
        "remembered_devices",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("token_hash", name=op.f("uq_remembered_devices_token_hash")),
    )
    _user_table(
        "held_forms",
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade():
    for name in ("held_forms", "remembered_devices", "recovery_codes", "account_tokens"):
        op.drop_table(name)
    op.drop_index("ix_users_oidc_identity", table_name="users")
    # DROP COLUMN in place (SQLite 3.35+) rather than a batch rebuild, which would cascade to memberships.
    for column in reversed(USER_COLUMNS):
        op.drop_column("users", column.name)
