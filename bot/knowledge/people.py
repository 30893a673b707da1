"""The people the knowledge base names, so that a question can be recognised as asking about one
of them ("how old is Hu Zhaohui?") without listing every name in the intents."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.knowledge.passages import Passage

# The content's convention: an English section gives a person's name in Chinese too, "Lü Shaohe
# (吕绍和)", because members write names either way.
_NAMED = re.compile(r"([A-Z][\w'-]+(?: [A-Z][\w'-]+)+) \(([\u4e00-\u9fff·]{2,6})\)")
# Who a follow-up means without a name.
PRONOUNS = ("he", "she", "him", "her", "他", "她")
# Someone the knowledge names, described by what they do rather than by name ("how much does the
# chief economist at the industry department earn?"), perhaps with where they work before it ("the
# tencent guy from the panel", "the malanshan deputy director"): a person all the same. (Not "the
# official": "the official website" is no one.)
ROLE_WORDS = (
    "chief economist", "ceo", "founder", "chairman", "deputy director", "director",
    "vice president", "svp", "general manager", "keynote speaker", "speaker", "panelist",
    "panellist", "guy", "rep", "representative",
)  # fmt: skip
ROLE = (
    r"(?<![a-z0-9_])the\s+(?:[a-z0-9&.-]+\s+){0,2}?"
    rf"(?:{'|'.join(sorted(ROLE_WORDS, key=len, reverse=True))})(?![a-z0-9_])"
)
# How members address someone they name: "Mr. Li Qiang", "熊琛总经济师", "胡朝晖主任", "蒋总".
HONORIFICS = ("mr.", "mr", "ms.", "ms", "mrs.", "mrs", "dr.", "dr")
TITLES = (
    "副主任", "主任", "总经济师", "巡视员", "副总经理", "总经理", "副总裁", "总裁", "董事长",
    "副总", "总监", "老师", "先生", "女士", "局长", "总",
)  # fmt: skip


# Other members, as the one asking names them: "我同学张伟", "my teammate Li Ming". Only for
# phrases that ask for a member's own record ("{member}报的是哪个赛道"): "我朋友是湖南本地的，能参赛
# 吗" asks about eligibility, so these are not a `{person}`. Always with 我/my: "队友有没有报名人数
# 上限" asks about the rules, and a captain's (队长) choices are the team's.
RELATIONS_ZH = (
    "同学", "朋友", "队友", "同事", "室友", "舍友", "老板", "男朋友", "女朋友", "老公", "老婆",
    "师兄", "师姐", "学长", "学姐", "搭档", "同桌",
)  # fmt: skip
RELATIONS_EN = (
    "friend", "teammate", "team mate", "colleague", "classmate", "roommate", "coworker",
    "co-worker", "buddy", "boss", "girlfriend", "boyfriend", "partner", "cofounder", "co-founder",
)  # fmt: skip
# Common surnames, for how a group chat calls a member: 小王, 老张, 阿陈. (Not 白, 方, 金, 高, 石:
# "小白" is a newcomer, "小方向" a direction.)
SURNAMES_ZH = (
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡",
    "郭", "何", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭",
    "曾", "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕",
    "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "廖", "贾", "夏",
    "韦", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "雷", "侯", "史", "陶", "黎", "贺",
    "顾", "毛", "郝", "龚", "邵", "钱", "严", "戴", "莫", "孔", "汤",
)  # fmt: skip
# "我同学张伟", "my teammate Li Ming": the relation, then perhaps a name of a word or two. Or
# someone named by what they are called: "群里那个叫小鱼的", "the guy called Bob in our server",
# or by their handle after "that" ("群里那个@阿杰", "that @jay in the group"; the bot's own
# mention opens a message, without "that"), or as someone of the group ("群里阿杰"), or by a
# handle inside the message ("which track did @kevin_w register for?"), or as 小王 or 老张.
OTHER_MEMBER = (
    rf"(?:我的?|我们的?)(?:{'|'.join(RELATIONS_ZH)})(?:[\u4e00-\u9fff]{{2,3}})?"
    r"|(?:那个|一个|有个)(?:网名)?叫[\u4e00-\u9fff\w]{1,8}?的"
    rf"|(?:my|our) (?:{'|'.join(RELATIONS_EN)})(?: [a-z]+){{0,2}}"
    r"|(?:a|the|this|that) (?:guy|girl|person|user|member|dude|lady|man|woman) (?:named|called) \w+"
    r"|someone (?:named|called) \w+"
    r"|(?:那个|这个)\s*@[\w\u4e00-\u9fff]{1,20}\s*"
    r"|群里(?:的)?[\u4e00-\u9fff]{2,3}"
    r"|(?:that|this) @\w+"
    r"|(?<=[\s\u4e00-\u9fff，,])@\w+"
    rf"|(?:小|老|阿)(?:{'|'.join(SURNAMES_ZH)})"
)


def people_named(passages: Iterable[Passage]) -> list[str]:
    """Each person's name as the knowledge writes it, in English and in Chinese."""
    names: set[str] = set()
    for passage in passages:
        for english, chinese in _NAMED.findall(passage.text):
            names.update((english, chinese, *_as_typed(english)))
    return sorted(names)


def _as_typed(name: str) -> set[str]:
    """ "Lu Shaohe", "Lv Shaohe", "Lyu Shaohe" for "Lü Shaohe": pinyin keyboards have no ü."""
    return {name.replace("ü", typed) for typed in ("u", "v", "yu") if "ü" in name}
