"""A task or request that comes after a check of what the article says ("GitCode是CSDN推出的吧，
帮我写段文案") is still the task: its opening starts a clause, not the message. An opening that
only signs off a question ("… tl;dr pls") is not a task."""

from __future__ import annotations

from bot.knowledge.answer import RetrievalAnswerer
from tests.answering import assert_answered_with, assert_declined


def test_a_task_after_a_check_is_declined(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("启动会是在长沙开的对吧？帮我写一段活动回顾发公众号", "zh"),
            ("马栏山那个园区挺有名的，帮我写篇游记吧", "zh"),
            ("the final is in October, right? write me a short invite for my friends", "en"),
        ),
        intent="writing-task",
    )


def test_a_question_signed_off_with_tldr_is_answered(hybrid: RetrievalAnswerer) -> None:
    assert_answered_with(
        hybrid,
        (("how many prizes are there per track? tl;dr pls", "en", "8"),),
    )
