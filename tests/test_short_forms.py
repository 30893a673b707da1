"""Members shorten English words in chat ("u", "pls", "ur"): the phrases that make a message a
task or a request read the short forms as the words they stand for."""

from __future__ import annotations

from bot.knowledge.answer import RetrievalAnswerer
from tests.answering import assert_declined


def test_a_task_asked_in_short_forms_is_still_a_task(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            (
                "can u write python code for an AIGC video generator to submit to the tech track",
                "en",
            ),
            ("could u draft a press release about the Changsha launch", "en"),
            ("plz translate: 社区在长沙正式启动", "en"),
        ),
        intent="writing-task",
    )
