"""Chinese members describe what they want done in everyday words: "只想关掉创意作品赛道的提醒",
"想把队长交给小林", "我交给人工的问题处理到哪了". Acting for someone else ("帮他把报名撤了") or
looking up their entry is declined."""

from __future__ import annotations

from bot.knowledge.answer import RetrievalAnswerer
from tests.answering import NOW, assert_commands_given, assert_declined


def test_goals_described_in_chinese_get_their_command(hybrid: RetrievalAnswerer) -> None:
    assert_commands_given(
        hybrid,
        (
            ("我只想关掉应用创新赛道的提醒，别的留着", "zh", "unsubscribe"),
            ("决赛前每个节点都提醒我一下吧", "zh", "subscribe"),
            ("之前报的那个赛道想退掉，怎么弄", "zh", "withdraw"),
            ("有个队员一直不干活，我是队长，想把他踢掉", "zh", "team"),
            ("下周出差，想把队长交给队友，怎么转", "zh", "team"),
            ("找队资料里的技能写错了，想重新填", "zh", "lookingfor"),
            ("有没有会做动画的人可以浏览一下", "zh", "findteam"),
            ("我交给人工的问题处理到哪了", "zh", "mytickets"),
            ("社区的基础设施资源去哪看", "zh", "resources"),
            ("你这个机器人有什么功能", "zh", "help"),
        ),
    )


def test_acting_for_someone_else_is_declined(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("我同学让我帮他把报名撤了，你直接帮他撤一下", "zh"),
            ("帮我查下张伟报的是哪个赛道", "zh"),
        ),
        intent=("personal-data", "private-contact"),
    )


def test_helping_someone_do_it_themselves_is_not_acting_for_them(
    hybrid: RetrievalAnswerer,
) -> None:
    """ "帮他把…" alone is help, not a request to act for him: it is not refused as private."""
    answer = hybrid.answer("队友不太会用bot，我怎么帮他把赛道意向登记上", "zh", "UTC", NOW)
    assert answer.known, answer.text
