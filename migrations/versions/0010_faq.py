"""FAQ entries published by organizers, their revisions, and members waiting for an answer

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.storage.models import UTCDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _texts() -> list[sa.Column]:
    return [
        sa.Column(name, sa.Text(), nullable=True)
        for name in ("question_zh", "answer_zh", "question_en", "answer_en")
    ]


def upgrade() -> None:
    op.create_table(
        "faq_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        *_texts(),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_faq_entries"),
    )
    op.create_table(
        "faq_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_texts(),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("changed_by", sa.String(100), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["faq_entries.id"],
            name="fk_faq_revisions_entry_id_faq_entries",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_faq_revisions"),
        sa.UniqueConstraint("entry_id", "version", name="uq_faq_revisions_entry_id"),
    )
    op.create_table(
        "answer_watches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("notified_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name="fk_answer_watches_member_id_members",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_answer_watches"),
    )
    op.create_index("ix_answer_watches_open", "answer_watches", ["notified_at"])


def downgrade() -> None:
    op.drop_table("answer_watches")
    op.drop_table("faq_revisions")
    op.drop_table("faq_entries")
