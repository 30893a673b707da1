"""The teammate finder: members' handles, profiles and relayed contact requests

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.storage.models import UTCDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members") as members:
        members.add_column(sa.Column("handle", sa.String(100), nullable=True))
    op.create_table(
        "teammate_profiles",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("track", sa.String(64), nullable=True),
        sa.Column("skills", sa.String(300), nullable=False),
        sa.Column("other_skills", sa.String(200), nullable=False),
        sa.Column("languages", sa.String(16), nullable=False),
        sa.Column("role", sa.String(200), nullable=False),
        sa.Column("visible", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name="fk_teammate_profiles_member_id_members",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name="pk_teammate_profiles"),
    )
    op.create_table(
        "contact_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["members.id"],
            name="fk_contact_requests_requester_id_members",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["members.id"],
            name="fk_contact_requests_recipient_id_members",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name="fk_contact_requests_team_id_teams", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_contact_requests"),
    )
    op.create_index(
        "ix_contact_requests_requester", "contact_requests", ["requester_id", "created_at"]
    )
    op.create_index("ix_contact_requests_recipient", "contact_requests", ["recipient_id"])


def downgrade() -> None:
    op.drop_index("ix_contact_requests_recipient", table_name="contact_requests")
    op.drop_index("ix_contact_requests_requester", table_name="contact_requests")
    op.drop_table("contact_requests")
    op.drop_table("teammate_profiles")
    with op.batch_alter_table("members") as members:
        members.drop_column("handle")
