"""Someone the knowledge names, described by company and role ("the tencent guy from the panel"),
is a person whose private data is declined; what they said is still answered. Chat short forms
("b4", "w/") and commands described loosely ("pull up the tracks menu") get their command."""

from __future__ import annotations

from bot.knowledge.answer import RetrievalAnswerer
from tests.answering import NOW, assert_answered_with, assert_commands_given, assert_declined


def test_a_speaker_described_by_company_and_role_is_a_person(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("what's the phone number of the huawei guy on the panel?", "en"),
            ("how old is the csdn founder, he seemed young", "en"),
            ("where does the malanshan deputy director live", "en"),
        ),
        intent="personal-data",
    )
    # …but what they said, or who they are, is answered; and "the official" is no one.
    assert_answered_with(
        hybrid,
        (
            ("what did the tencent guy on the panel talk about?", "en", "roundtable"),
            ("who is the gitcode ceo?", "en", "Yu Bangxu"),
            ("what's the email of the official website", "en", "does not publish"),
        ),
    )


def test_chat_short_forms_and_loose_descriptions_get_their_command(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_commands_given(
        hybrid,
        (
            ("pls remind me b4 the creative works deadline", "en", "subscribe"),
            ("looking for teams w/ room for a video editor", "en", "findteam"),
            ("can the organizers' announcements be sent to my dms instead", "en", "subscribe"),
            ("bring up the tracks menu pls", "en", "tracks"),
            ("got a quick list of the resources on offer?", "en", "resources"),
            ("how much time have I got left before the final, in my time zone?", "en", "deadlines"),
        ),
    )


def test_the_reminders_answer_says_how_to_get_announcements_privately(
    hybrid: RetrievalAnswerer,
) -> None:
    for question, language in (
        ("send me the announcements in a dm please", "en"),
        ("公告私信发给我", "zh"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert answer.command == "subscribe", (question, answer.text)
        assert "/subscribe announcements" in answer.text, answer.text


def test_gitcodes_ceo_is_named_where_gitcode_is_described(hybrid: RetrievalAnswerer) -> None:
    """Questions about GitCode find Jiang Tao's keynote, which announced it: it says who runs it."""
    assert_answered_with(
        hybrid,
        (
            ("GitCode的老大是谁 在CSDN啥职位", "zh", "于邦旭"),
            ("GitCode's CEO - name and CSDN title?", "en", "Yu Bangxu"),
            ("is the ceo of gitcode also a csdn exec?", "en", "senior vice president"),
        ),
    )


def test_organizations_and_figures_described_rather_than_named(hybrid: RetrievalAnswerer) -> None:
    """ "The coding site", "the open source alliance", "the growth targets": what members say
    when they never read the article's names."""
    assert_answered_with(
        hybrid,
        (
            (
                "what role does the coding site's founder have in the open source alliance?",
                "en",
                "vice chairman",
            ),
            ("what time frame are the coding site's growth targets for?", "en", "three years"),
            (
                "how will they get the community going quickly instead of starting from zero?",
                "en",
                "hot start",
            ),
        ),
    )


def test_what_the_community_gives_creators_says_showcase(hybrid: RetrievalAnswerer) -> None:
    """展示 is "showcase" as members write it in English, not "show"."""
    assert_answered_with(
        hybrid, (("what does the community offer content creators like me?", "en", "showcase"),)
    )
