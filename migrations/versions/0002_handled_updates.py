"""handled updates

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.storage.models import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "handled_updates",
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("update_id", sa.String(64), nullable=False),
        sa.Column("handled_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "update_id", name="pk_handled_updates"),
    )


def downgrade() -> None:
    op.drop_table("handled_updates")
