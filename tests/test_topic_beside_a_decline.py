"""A question that says only the topic of something the bot declines ("keynote speaker?" beside
"the keynote speaker's phone number") is answered; what is declined beside the article's words
(a guest's pay by role, a teammate's sign-up, another city's contest, a sum to work out, a
slogan) stays declined; English chat's short forms find their facts."""

from __future__ import annotations

from bot.knowledge.answer import RetrievalAnswerer
from tests.answering import assert_answered_with, assert_declined


def test_a_question_saying_only_a_declined_examples_topic_is_answered(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_answered_with(
        hybrid,
        (
            ("keynote speaker?", "en", "Jiang Tao"),
            ("who was the keynote speaker?", "en", "Jiang Tao"),
            ("keynot speaker?", "en", "Jiang Tao"),
        ),
    )
    # The topic and what is declined about it: still declined.
    assert_declined(
        hybrid,
        (
            ("what's the keynote speaker's personal phone number?", "en"),
            ("anyone have Jiang Tao's personal wechat or phone no.? want to pitch him", "en"),
        ),
        # As someone's data, or as a private contact asked for plainly: the same refusal.
        intent=("personal-data", "private-contact"),
    )


def test_english_chat_short_forms_find_their_facts(hybrid: RetrievalAnswerer) -> None:
    assert_answered_with(
        hybrid,
        (
            ("the hunan av industry dev plan covers which yrs", "en", "2027"),
            ("is it true only local hunan devs came to the launch?", "en", "other provinces"),
            ("how many ppl came to the launch", "en", "100"),
            ("how much did hunan's AV industry make in 2023? in bn", "en", "200 billion"),
        ),
    )


def test_declines_beside_the_articles_words_stay_declined(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("how much does the chief economist at the hunan industry dept earn per yr", "en"),
            (
                "my teammate said he registered for the creative works track, can u check what "
                "he signed up for? his handle is @leo_av",
                "en",
            ),
        ),
        intent="personal-data",
    )
    assert_declined(
        hybrid,
        (
            ("李强家住长沙哪里啊", "zh"),
            ("胡朝晖副主任一个月工资多少啊 好奇", "zh"),
            # Members as a group chat calls them: a nickname, a handle, a roommate by name.
            ("小王报的是哪个赛道啊，帮我查一下呗", "zh"),
            ("我舍友李明是不是已经报上名了？帮看看", "zh"),
            ("which track did @kevin_w register for? and whats his team idea", "en"),
        ),
        intent="personal-data",
    )
    assert_declined(
        hybrid,
        (
            ("convert 200 bn yuan into USD for my article, show the math", "en"),
            ("pls translate Jiang Tao's keynote title into english + japanese", "en"),
            ("帮我给AIGC创意作品赛道想句宣传口号，要押韵、朗朗上口那种", "zh"),
            ("2000亿人民币换算成美元是多少，帮我写进稿子里", "zh"),
            ("来段rap 关于马栏山的 整活一下哈哈", "zh"),
            ("can you code a python script that makes AIGC thumbnails for my contest entry", "en"),
        ),
        intent="writing-task",
    )
    # Who will win is a prediction; how many will win is the prize table.
    assert_declined(
        hybrid,
        (("who do you think will win first prize?", "en"), ("你觉得谁会拿一等奖", "zh")),
        intent="unrelated",
    )
    assert_answered_with(hybrid, (("how many winners will there be?", "en", "24"),))
    assert_declined(
        hybrid,
        (
            ("听说深圳也搞了个AIGC大赛，那个报名截止是哪天", "zh"),
            ("is there a similar AIGC contest in Hangzhou this year, when's their deadline", "en"),
        ),
        intent="other-contest",
    )
    # Another company's own event is not this contest.
    assert_declined(
        hybrid, (("今年腾讯云黑客松啥时候报名啊 有人知道不", "zh"),), intent="other-event"
    )


def test_this_contest_beside_another_city_is_still_answered(hybrid: RetrievalAnswerer) -> None:
    assert_answered_with(
        hybrid,
        (
            ("我在深圳，也能参加这个大赛吗？决赛在哪", "zh", "长沙"),
            ("is the final in Shanghai or Changsha?", "en", "Changsha"),
            ("which years does the development plan cover?", "en", "2027"),
            # The report gives the city, not the hall: it says so.
            ("启动会具体是在长沙哪个酒店还是哪个会场办的", "zh", "没有给出在长沙的具体地点"),
            ("who was the person from that 5G lab (the broadcasting admin one)", "en", "Wu Hong"),
            ("what tech do the tracks have in common?", "en", "AIGC"),
            # A newcomer (小白) is not another member; hearsay ("老王说") is a claim to check.
            ("我是小白，有没有报名门槛", "zh", "没有说明"),
            ("老王说决赛在长沙，是真的吗", "zh", "长沙"),
        ),
    )
