"""Security: unanswered questions know their member, shared service keys, dashboard sessions
and failed dashboard logins

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.storage.models import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows stored before this revision have no member: they stay, unattributed, until retention.
    with op.batch_alter_table("unanswered_questions") as table:
        table.add_column(sa.Column("member_id", sa.Integer(), nullable=True))
        table.create_foreign_key(
            "fk_unanswered_questions_member_id_members",
            "members",
            ["member_id"],
            ["id"],
            ondelete="CASCADE",
        )
        table.create_index("ix_unanswered_member", ["member_id"])
    op.create_table(
        "service_keys",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.String(128), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_service_keys"),
    )
    op.create_table(
        "dashboard_sessions",
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_used_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id_hash", name="pk_dashboard_sessions"),
    )
    op.create_table(
        "dashboard_login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dashboard_login_failures"),
    )
    op.create_index("ix_dashboard_login_failures_at", "dashboard_login_failures", ["at"])


def downgrade() -> None:
    op.drop_table("dashboard_login_failures")
    op.drop_table("dashboard_sessions")
    op.drop_table("service_keys")
    with op.batch_alter_table("unanswered_questions") as table:
        table.drop_index("ix_unanswered_member")
        table.drop_constraint("fk_unanswered_questions_member_id_members", type_="foreignkey")
        table.drop_column("member_id")
