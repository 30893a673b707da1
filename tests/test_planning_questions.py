"""Members planning around the contest: time off, trips, where to host their code, and the
commands they reach for on the way (which tracks they signed up for, a real organizer)."""

from __future__ import annotations

from bot.knowledge.answer import RetrievalAnswerer
from tests.answering import (
    assert_answered_with,
    assert_commands_given,
    assert_declined,
    assert_said_unpublished,
)


def test_planning_words_do_not_hide_the_question(hybrid: RetrievalAnswerer) -> None:
    assert_answered_with(
        hybrid,
        (
            ("need to book vacation for the finals, which month should I block?", "en", "October"),
            ("决赛几月份？我得提前请假订机票", "zh", "10月"),
            # "plan" still carries a topic: the province's plan is asked for by it.
            ("the plan that runs till 2027, what's it called?", "en", "2027"),
        ),
    )


def test_where_to_host_an_entry_is_not_published(hybrid: RetrievalAnswerer) -> None:
    assert_said_unpublished(
        hybrid, (("is it ok to keep our project on GitHub, or must it be on GitCode?", "en"),)
    )
    assert_answered_with(
        hybrid,
        (("what's the dev platform CSDN launched together with Huawei called?", "en", "GitCode"),),
    )


def test_a_member_by_handle_a_rivals_scores_a_staff_member_by_job(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_declined(
        hybrid,
        (
            ("which team is @kaito_dev on and what track? want to recruit him", "en"),
            ("my coworker says she registered, can you check if she actually signed up?", "en"),
            ("what scores did our rival team get?", "en"),
            ("email of the Tencent Cloud EO / video product GM from the roundtable?", "en"),
            ("contact details for the Hunan TV tech committee director please", "en"),
        ),
        intent="personal-data",
    )
    # Joining a friend's team is the team command, not a question about the friend.
    assert_commands_given(
        hybrid, (("how do I join my friend's team? she gave me a code", "en", "team"),)
    )


def test_commands_reached_for_while_planning(hybrid: RetrievalAnswerer) -> None:
    assert_commands_given(
        hybrid,
        (
            ("forgot which tracks i signed up for, where can i see them?", "en", "myregistrations"),
            (
                "my question is about reimbursement, how do I get an actual organiser to reply?",
                "en",
                "human",
            ),
            ("my friend told me to sign up here, how do I register?", "en", "register"),
            ("how do I let others know I'm looking for a team?", "en", "lookingfor"),
            ("when are the contest deadlines, in my time?", "en", "deadlines"),
            ("How do I get the deadlines to show in my own time? I'm in Lisbon", "en", "timezone"),
        ),
    )
