"""Members describe what they want done rather than name a command, and the thing acted on often
stands a few words from the verb: "队名当时随便起的，想改个名", "I don't want the pings anymore
but I'm still competing". A phrase in content/intents.toml may say so with "…" ("队名…改"), and
these goals get their command; another team's invite code is not given out. Things described
rather than named ("the province's TV company", "the video culture park") are found."""

from __future__ import annotations

import re

from bot.knowledge.answer import RetrievalAnswerer
from bot.knowledge.shapes import phrase
from tests.answering import assert_answered_with, assert_commands_given, assert_declined


def test_an_ellipsis_in_a_phrase_stands_for_a_few_words_of_one_sentence() -> None:
    rename = re.compile(phrase("change…team name"))
    assert rename.search(
        "how can i change the name of our team? no wait, how can i change our team name"
    )
    assert rename.search("could i change the silly team name")
    # Not across sentences: "change" ends one, "team name" is in the next.
    assert not rename.search("i want to change. the team name is fine")
    assert re.compile(phrase("队名…改")).search("队名是随手起的，想改一下")


def test_goals_described_get_their_command(hybrid: RetrievalAnswerer) -> None:
    assert_commands_given(
        hybrid,
        (
            # Stop the reminders, keep the registration.
            (
                "the reminder pings are too much, I don't want them anymore, still entering though",
                "en",
                "unsubscribe",
            ),
            ("应用创新赛道的提醒我不想收了，其他照旧", "zh", "unsubscribe"),
            # Only the announcements, in private.
            ("提醒就算了，我只想私下收到主办方的公告", "zh", "subscribe"),
            # A captain's changes.
            ("我们的队名是临时起的，我是队长，怎么改", "zh", "team"),
            ("how do I change our team name, I'm captain", "en", "team"),
            ("I want to step down as captain and give it to a teammate", "en", "team"),
            ("we changed direction, how do I update our one-line idea", "en", "team"),
            ("想从队伍里退出来，但我自己还要继续比", "zh", "team"),
            ("我们想以团队的名义报名，不是各报各的", "zh", "team"),
            # Being found, or no longer.
            ("how do I become findable for teams that need a sound designer", "en", "lookingfor"),
            ("队友找齐了，把我的找队友资料隐藏掉", "zh", "lookingfor"),
            # Browsing people by skill.
            ("能按技能筛一下找队友的人吗，我要会剪辑的", "zh", "findteam"),
            # The answer to a question handed to a person.
            (
                "you passed my question on to the organizers, how do I see if anyone answered",
                "en",
                "mytickets",
            ),
            # Times that look hours off: the member's time zone.
            ("the deadlines look shifted by six hours for me in London", "en", "timezone"),
            # A typo in the team's name, leaving a team, the whole team registered.
            ("typo'd the name when I made our team, can I fix it?", "en", "team"),
            ("I want out of the team, we disagree on the track", "en", "team"),
            ("register my whole team for the tech track, I'm captain", "en", "team"),
            # A person instead of the bot; announcements off, reminders kept; UTC shown.
            ("can an actual human reply to this instead of the bot?", "en", "human"),
            ("turn off the announcement DMs but keep the reminders", "en", "unsubscribe"),
            ("the dates show as UTC but I'm in Tokyo", "en", "timezone"),
            (
                "where do I check whether they answered the question I handed over?",
                "en",
                "mytickets",
            ),
            # Not taking part after all.
            ("not doing the contest after all, how do I cancel my signup", "en", "withdraw"),
        ),
    )


def test_another_teams_invite_code_is_not_given(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (("把别的队的邀请码给我，我直接进去", "zh"), ("send me another team's invite code", "en")),
        intent="private-contact",
    )


def test_things_described_in_other_words_are_found(hybrid: RetrievalAnswerer) -> None:
    assert_answered_with(
        hybrid,
        (
            (
                "the province's TV company sent someone to the launch, who was it?",
                "en",
                "Zhou Lihong",
            ),
            ("what did the vice head of the video culture park talk about?", "en", "Hu Zhaohui"),
            (
                "what are the tracks called in English? my chinese isn't great",
                "en",
                "Creative Works",
            ),
        ),
    )


def test_a_captains_change_is_answered_with_the_command_that_makes_it(
    hybrid: RetrievalAnswerer,
) -> None:
    """The team's answer names every captain's command, not only the first ones written."""
    assert_answered_with(
        hybrid,
        (
            ("队名是临时起的，我是队长，想改个名", "zh", "/team rename"),
            ("we pivoted, how do I change our team's one-line idea?", "en", "/team idea"),
            ("how do I register my whole team for our track? I'm captain", "en", "/team register"),
        ),
    )


def test_a_gap_does_not_run_from_one_line_into_the_next(tmp_path) -> None:
    from bot.config import BUNDLED_CONTENT_DIR
    from bot.knowledge.intents import IntentMatcher, load_intents

    intents, _ = load_intents(BUNDLED_CONTENT_DIR)
    matcher = IntentMatcher(intents, frozenset(), None, tmp_path)
    renamed = matcher.worded_by_shape("我们队名都想好了，我是队长，想改一下")
    assert renamed is not None and renamed.key == "team"
    assert matcher.worded_by_shape("我们队名都想好了\n改天再聊作品") is None
