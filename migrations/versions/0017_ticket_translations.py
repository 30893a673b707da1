"""Tickets keep the answer's other-language version and the question as worded for the FAQ;
cached answers keep what they cite

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.storage.models import UTCDateTime

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("translation_language", sa.String(8), nullable=True))
        batch.add_column(sa.Column("translated_question", sa.Text(), nullable=True))
        batch.add_column(sa.Column("translated_answer", sa.Text(), nullable=True))
        batch.add_column(sa.Column("translation_approved_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("faq_question", sa.Text(), nullable=True))
    with op.batch_alter_table("answer_cache") as batch:
        batch.add_column(sa.Column("sources", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("answer_cache") as batch:
        batch.drop_column("sources")
    with op.batch_alter_table("tickets") as batch:
        for column in (
            "faq_question",
            "translation_approved_at",
            "translated_answer",
            "translated_question",
            "translation_language",
        ):
            batch.drop_column(column)
