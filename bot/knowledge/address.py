"""The address a member puts before a question: "@机器人 大赛一共几个赛道啊", "@bot when is it".

The platforms' own mention of the bot is taken out by the adapters; what is left is a mention
typed by hand (as group chats elsewhere do it) or another handle the message opens with. It says
who is asked, not what: left in, "机器人" pulls the question toward what members ask about the bot
("我在机器人里报的是哪个赛道") and away from the contest's tracks.
"""

from __future__ import annotations

import re

from bot.knowledge.script import simplified

# The bot by what members call it, wherever in the message it stands ("…还有谁啊 @机器人 列下"),
# with the full-width ＠ of Chinese keyboards; not inside an address ("contact@bot.org") nor as
# someone's ("@bot's phone").
_BOT_MENTION = re.compile(
    r"(?<![A-Za-z0-9_.])[@＠]\s?(?:机器人|小助手|助手|bot|robot)(?![A-Za-z0-9_'’.])",
    re.IGNORECASE,
)
# Handles opening the message, as platforms spell them (letters, digits, underscores), each
# followed by a space or a comma. One in the middle is left ("what's @alice's phone number" asks
# about her), and so is one the question is about ("@alice 的微信是多少").
_LEADING_HANDLES = re.compile(
    r"^[\s,，:：]*(?:[@＠][A-Za-z0-9_]+(?=[\s,，:：]|$)(?![\s,，:：]*(?:的|'s|’s))[\s,，:：]*)+"
)
# Spaces left where a mention was taken out; line breaks stay, they separate questions.
_SPACES = re.compile(r"[^\S\n]{2,}")


def without_address(text: str) -> str:
    """The message without the mentions that only address it; the message itself if that is all.
    Reading it twice gives what reading it once does."""
    stripped = _SPACES.sub(" ", _unaddressed(text)).strip(" ,，:：")
    return stripped if stripped.strip() else text


def is_only_an_address(text: str) -> bool:
    """ "@bot", "@机器人": someone who called the bot and has not asked yet."""
    return bool(text.strip()) and not _unaddressed(text).strip(" ,，:：\n\t")


def _unaddressed(text: str) -> str:
    return _LEADING_HANDLES.sub("", _BOT_MENTION.sub(" ", text))


def as_read(question: str) -> str:
    """The question as the index and the answerer read it: in simplified characters, without the
    address. Embedding and search must read the same text, or a vector computed beforehand
    (off the event loop) would not be the question's."""
    return without_address(simplified(question))
