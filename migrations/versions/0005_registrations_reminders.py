"""registrations, subscriptions, conversations, deadline overrides, reminder dedupe keys

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.storage.models import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _member_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["member_id"], ["members.id"], ondelete="CASCADE", name=f"fk_{table}_member_id_members"
    )


def upgrade() -> None:
    with op.batch_alter_table("broadcasts") as broadcasts:
        broadcasts.add_column(sa.Column("dedupe_key", sa.String(200), nullable=True))
        broadcasts.create_unique_constraint("uq_broadcasts_dedupe_key", ["dedupe_key"])
    op.create_table(
        "registrations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("track", sa.String(64), nullable=False),
        sa.Column("team", sa.String(100), nullable=True),
        sa.Column("idea", sa.String(300), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_registrations"),
        _member_fk("registrations"),
        sa.UniqueConstraint("member_id", "track", name="uq_registrations_member_id"),
    )
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_subscriptions"),
        _member_fk("subscriptions"),
        sa.UniqueConstraint("member_id", "topic", name="uq_subscriptions_member_id"),
    )
    op.create_index("ix_subscriptions_topic", "subscriptions", ["topic"])
    op.create_table(
        "conversations",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("step", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("member_id", name="pk_conversations"),
        _member_fk("conversations"),
    )
    op.create_table(
        "deadline_overrides",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=True),
        sa.Column("title", sa.String(200), nullable=True),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.Column("changed_by", sa.String(64), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_deadline_overrides"),
    )


def downgrade() -> None:
    op.drop_table("deadline_overrides")
    op.drop_table("conversations")
    op.drop_table("subscriptions")
    op.drop_table("registrations")
    with op.batch_alter_table("broadcasts") as broadcasts:
        broadcasts.drop_constraint("uq_broadcasts_dedupe_key", type_="unique")
        broadcasts.drop_column("dedupe_key")
