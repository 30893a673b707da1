"""Pairing invites: solo registrants the organizers suggest should team up

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.storage.models import UTCDateTime

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pairing_invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_code", sa.String(16), nullable=False),
        sa.Column("track", sa.String(64), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name="fk_pairing_invites_member_id_members",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_pairing_invites"),
    )
    op.create_index("ix_pairing_invites_group", "pairing_invites", ["group_code"])


def downgrade() -> None:
    op.drop_index("ix_pairing_invites_group", table_name="pairing_invites")
    op.drop_table("pairing_invites")
