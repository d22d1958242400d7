"""Second-factor secrets sealed at rest: users.totp_secret and users.totp_new_secret become TEXT holding Fernet
tokens under TOTP_ENCRYPTION_KEY (the app's setting, never stored in the database), and every secret already there
is sealed in place.

Each column is replaced in place on both engines: a new TEXT column is added, filled with the sealed value, the
old column dropped and the new one renamed to its name. SQLite never rebuilds users (its rebuild would cascade to
memberships; users has no triggers). Downgrade opens the tokens back into VARCHAR(64) and stops, naming the
setting, if one does not open with the configured keys: nothing is lost.

Revision ID: 0013_totp_key
Revises: 0012_store
"""

import sqlalchemy as sa
from alembic import op
from flask import current_app

from app.models.sealed import SEALED_COLUMNS, SETTING, Unreadable, seal, unseal

revision = "0013_totp_key"
down_revision = "0012_store"
branch_labels = None
depends_on = None


def _replace_columns(new_type: sa.types.TypeEngine, convert) -> None:
    """Give each secret column ``new_type``, every value passed through ``convert``, keeping its name."""
    bind = op.get_bind()
    users = sa.table("users", sa.column("id", sa.Integer), *(sa.column(name, sa.Text) for name in SEALED_COLUMNS))
    holding = sa.or_(*(users.c[name].is_not(None) for name in SEALED_COLUMNS))
    rows = bind.execute(sa.select(users).where(holding).order_by(users.c.id)).all()
    # Every value converted before anything changes: a secret that cannot be converted stops the migration here.
    converted = {
        row.id: {
            f"{name}_new": None if row._mapping[name] is None else convert(row._mapping[name])
            for name in SEALED_COLUMNS
        }
        for row in rows
    }
    for name in SEALED_COLUMNS:
        op.add_column("users", sa.Column(f"{name}_new", new_type, nullable=True))
    both = sa.table(
        "users",
        sa.column("id", sa.Integer),
        *(sa.column(f"{name}{suffix}") for name in SEALED_COLUMNS for suffix in ("", "_new")),
    )
    for user_id, values in converted.items():
        # The old value emptied in the same row version: PostgreSQL's DROP COLUMN leaves a dropped column's data in
        # the live rows, and it must not be the secret in clear.
        emptied = {name: None for name in SEALED_COLUMNS}
        bind.execute(both.update().where(both.c.id == user_id).values({**values, **emptied}))
    for name in SEALED_COLUMNS:
        # In place on both engines (SQLite 3.35+ for DROP COLUMN, 3.25+ for RENAME COLUMN): no rebuild of users.
        op.drop_column("users", name)
        op.execute(f"ALTER TABLE users RENAME COLUMN {name}_new TO {name}")


def _keys() -> str:
    keys = current_app.config.get(SETTING) or ""
    if not keys.strip():
        raise RuntimeError(f"{SETTING} must be set to migrate: it seals the second-factor secrets in users")
    return keys


def upgrade():
    keys = _keys()
    _replace_columns(sa.Text(), lambda secret: seal(secret, keys))


def downgrade():
    keys = _keys()

    def opened(token: str) -> str:
        secret = unseal(token, keys)
        if isinstance(secret, Unreadable):
            raise RuntimeError(f"A second-factor secret does not open with {SETTING}: set the key that sealed it")
        return secret

    _replace_columns(sa.String(length=64), opened)
