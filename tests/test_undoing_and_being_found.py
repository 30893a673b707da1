"""Undoing a registration, being found by teams and a ticket's answer, put as members put them."""

from __future__ import annotations

from bot.knowledge.answer import RetrievalAnswerer
from tests.answering import assert_commands_given


def test_undoing_being_found_and_a_tickets_answer(hybrid: RetrievalAnswerer) -> None:
    assert_commands_given(
        hybrid,
        (
            ("不想报应用创新了，能撤销吗", "zh", "withdraw"),
            ("make me visible to teams that need a sound engineer", "en", "lookingfor"),
            ("我想发个帖子说我在找队伍", "zh", "lookingfor"),
            ("did the organizers answer my ticket yet?", "en", "mytickets"),
            # Registering is still registering, seeing who looks is still /findteam.
            ("我想参加技术创新赛道，报名是在这里吗？", "zh", "register"),
            ("show me teams that need a designer", "en", "findteam"),
        ),
    )
