"""The evaluation counts a question about the bot as answered when the member gets what the
command itself would send: the list of tracks that /tracks sends (with its Register button) is
/tracks' reply, though the button under it runs /register. Another command's list is not."""

from __future__ import annotations

from bot.knowledge.answer import RetrievalAnswerer
from bot.knowledge.evaluation import EvalQuestion, fact_score, shown_live
from tests.answering import NOW


def _about_bot(question: str, command: str) -> EvalQuestion:
    return EvalQuestion("t", "en", question, [], about_bot=True, command=command)


def test_the_track_list_counts_as_the_tracks_reply_and_not_as_another(
    hybrid: RetrievalAnswerer,
) -> None:
    question = "which tracks can i pick from"
    answer = hybrid.answer(question, "en", "UTC", NOW)
    assert shown_live(answer) == "tracks" and answer.command == "register", answer.text
    assert fact_score(answer, _about_bot(question, "tracks")) == 1.0
    assert fact_score(answer, _about_bot(question, "deadlines")) == 0.0


def test_a_refusal_shows_no_list(hybrid: RetrievalAnswerer) -> None:
    answer = hybrid.answer("what's the weather in Changsha tomorrow?", "en", "UTC", NOW)
    assert shown_live(answer) is None
    assert fact_score(answer, _about_bot("what's the weather", "tracks")) == 0.0
