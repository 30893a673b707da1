"""Welcomes: chats that greet newcomers, and the newcomers waiting for the next greeting

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.storage.models import UTCDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "welcome_chats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("last_sent_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_welcome_chats"),
        sa.UniqueConstraint("platform", "chat_id", name="uq_welcome_chats_platform"),
    )
    op.create_table(
        "pending_welcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id"],
            ["welcome_chats.id"],
            name="fk_pending_welcomes_chat_id_welcome_chats",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_pending_welcomes"),
        sa.UniqueConstraint("chat_id", "user_id", name="uq_pending_welcomes_chat_id"),
    )


def downgrade() -> None:
    op.drop_table("pending_welcomes")
    op.drop_table("welcome_chats")
