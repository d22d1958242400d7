"""Sessions that can be ended, and a sign-in throttle shared by every worker and server.

users.session_token: carried in every session cookie; a new one ends all of that user's sessions. Existing users
get a random token each, so session cookies from before this revision (which carry no token) are refused: everyone
signs in again once. The column is added with an empty default (an empty token is never accepted) so that SQLite
adds it in place rather than rebuilding the users table, whose rebuild would cascade to memberships.

rate_limit_counters: the ``database://`` storage of the sign-in throttle.

Revision ID: 0005_sessions
Revises: 0004_merge
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0005_sessions"
down_revision = "0004_merge"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_token", sa.String(length=64), nullable=False, server_default=""))
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("session_token", sa.String))
    bind = op.get_bind()
    for (user_id,) in bind.execute(sa.select(users.c.id)).all():
        bind.execute(users.update().where(users.c.id == user_id).values(session_token=secrets.token_urlsafe(24)))

    op.create_table(
        "rate_limit_counters",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limit_counters")),
    )
    with op.batch_alter_table("rate_limit_counters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rate_limit_counters_expires_at"), ["expires_at"], unique=False)


def downgrade():
    op.drop_table("rate_limit_counters")
    # In place on both engines (SQLite 3.35+): a batch rebuild of users would cascade to memberships.
    op.execute("ALTER TABLE users DROP COLUMN session_token")
