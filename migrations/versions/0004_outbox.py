"""outbox: member reachability, broadcasts and deliveries

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.storage.models import UTCDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members") as members:
        members.add_column(sa.Column("private_chat_id", sa.String(64), nullable=True))
        members.add_column(
            sa.Column("reachable", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        members.add_column(sa.Column("wants_announcements", sa.Boolean(), nullable=True))
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("audience", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("author_platform", sa.String(16), nullable=False),
        sa.Column("author_user_id", sa.String(64), nullable=False),
        sa.Column("author_chat_id", sa.String(64), nullable=False),
        sa.Column("author_language", sa.String(8), nullable=False),
        sa.Column("scheduled_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("enqueued_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_broadcasts"),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("message_id", sa.String(64), nullable=True),
        sa.Column("error", sa.String(500), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
        sa.ForeignKeyConstraint(["broadcast_id"], ["broadcasts.id"], ondelete="CASCADE",
                                name="fk_deliveries_broadcast_id_broadcasts"),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], ondelete="SET NULL",
                                name="fk_deliveries_member_id_members"),
        sa.UniqueConstraint("broadcast_id", "platform", "chat_id",
                            name="uq_deliveries_broadcast_id"),
    )
    op.create_index("ix_deliveries_due", "deliveries", ["status", "next_attempt_at"])
    op.create_index("ix_deliveries_broadcast", "deliveries", ["broadcast_id", "status"])


def downgrade() -> None:
    op.drop_table("deliveries")
    op.drop_table("broadcasts")
    with op.batch_alter_table("members") as members:
        members.drop_column("wants_announcements")
        members.drop_column("reachable")
        members.drop_column("private_chat_id")
