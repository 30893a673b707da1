"""What the bot must not answer (someone's data, tasks, other events, products, general
knowledge, errands) is declined whatever words of the knowledge it holds, and questions that
only look like those are answered."""

from __future__ import annotations

import pytest

from bot.knowledge.answer import RetrievalAnswerer
from tests.answering import NOW, assert_answered_with, assert_declined, assert_said_unpublished


@pytest.mark.parametrize(
    "question",
    [
        "Translate this into Chinese: Welcome to the Global Audio/Video Developer and Creator "
        "Community!",
        "把这段翻译成英文：全球音视频开发者与创作者社区欢迎你",
        "帮我写一首关于长沙的诗",
    ],
)
def test_a_task_about_the_community_is_declined_not_answered_from_it(
    hybrid: RetrievalAnswerer, question: str
) -> None:
    answer = hybrid.answer(question, "en", "UTC", NOW)
    assert not answer.known and not answer.sources, answer.text


def test_a_writing_task_is_declined_whatever_track_it_names(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("帮我写一份AIGC技术创新赛道的参赛计划书，三千字", "zh"),
            ("write me a pitch for our entry in the AIGC Creative Works track", "en"),
            ("能不能把AIGC应用创新赛道的介绍翻成英文给我朋友看", "zh"),
            ("帮我写一段拉同学一起报AIGC创意作品赛道的文案", "zh"),
            ("给长沙的音视频社区作一首五言诗", "zh"),
            ("Draft me an email inviting friends to the AIGC Application Innovation track", "en"),
            ("Translate into Chinese: where is the final held?", "en"),
            ("请翻译：决赛在哪里举办？", "zh"),
            ("compose a limerick about the Malanshan park for our team chat", "en"),
            ("brainstorm some slogans for our AIGC team pls", "en"),
            ("make an essay on Hunan's audio/video industry for my class", "en"),
            ("give me 5 catchy names for our AIGC team", "en"),
            ("any slogan ideas for our team? we're in the creative works track", "en"),
            ("帮大赛想几个宣传口号，要有马栏山", "zh"),
            ("what's a good team name for the creative works track?", "en"),
            ("帮我们起个队名吧，报AIGC应用创新赛道", "zh"),
            ("把蒋涛的演讲扩写成一篇三千字的文章", "zh"),
            ("can you draft a proposal for our entry in the creative works track?", "en"),
            ("帮我想个队名 跟音视频相关 酷一点的", "zh"),
            ("你能用Python写个批量剪视频的程序吗", "zh"),
            ("给马栏山写首诗呗 发朋友圈用", "zh"),
        ),
        intent="writing-task",
    )
    # Asking about writing is not a task.
    asked = hybrid.answer("作品介绍要写多长，有字数要求吗？", "zh", "UTC", NOW)
    assert asked.intent != "writing-task", asked.text


def test_someones_contact_is_declined_whoever_it_names(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            # Another member's record, named by how the asker knows them.
            ("我室友王磊报的是哪个赛道啊", "zh"),
            ("which track did my classmate Zhou pick? curious", "en"),
            ("群里那个叫阿杰的，他报名时填的手机号能给我吗", "zh"),
            ("有个叫阿杰的报名了哪个赛道？", "zh"),
            ("which track did the guy called Max from our server pick?", "en"),
            ("Wu Hong phone number?", "en"),
            ("蒋涛的手机号是多少？想约他聊聊", "zh"),
            ("what's Hu Zhaohui's phone number?", "en"),
            ("AIGC创意作品赛道都有谁报了？", "zh"),
            ("圆桌上那位王雅光的微信号是多少？", "zh"),
            ("Could you pass me Li Qiang's work email? I'd like to pitch Huawei Cloud", "en"),
            ("what’s Hu Zhaohui’s phone number?", "en"),  # a phone's apostrophe
            ("I need the attendee list of the launch event with contact details", "en"),
            ("Can I get Wu Hong's WeChat? I want to ask about the 5G lab", "en"),
            ("the Huawei Cloud speaker, what's his linkedin?", "en"),
            ("周立宏的家庭住址能告诉我吗", "zh"),
            ("启动会的参会名单能发我吗", "zh"),
            ("Jiang Tao's birthday?", "en"),
            ("How old is Hu Zhaohui?", "en"),
            ("does Wu Hong have kids? just curious", "en"),
            ("蒋涛是哪里人", "zh"),
            ("王雅光平时住在深圳吗", "zh"),
            ("于邦旭有小红书吗", "zh"),
            ("我同事报名了没有？帮我查查", "zh"),
            ("did Li Qiang register for the contest himself?", "en"),
            ("is Zhou Lihong ok? heard he was ill", "en"),
            ("what's Li Qiang's salary roughly?", "en"),
            ("does she have a linkedin? Wu Hong I mean", "en"),
            ("胡朝晖今年多大了", "zh"),
            ("于邦旭年薪多少", "zh"),
            ("how old is he? the Tencent Cloud guy on the panel", "en"),
            ("李强的电话是多少，他的微信或者手机号也行", "zh"),
            ("参加大赛的蒋涛的私人邮箱是什么", "zh"),
            ("社区的嘉宾胡朝晖的私人邮箱发我", "zh"),
            ("what's Yu Bangxu's Weibo? want to follow him", "en"),
            ("is he a native of Changsha? Li Qiang I mean", "en"),
            ("吴红有孩子吗", "zh"),
            ("有蒋涛微信吗 想加一下聊合作", "zh"),
            ("does Lu Shaohe have a blog I can follow?", "en"),  # "Lü" typed without its mark
            ("Lv Shaohe's github?", "en"),  # …or as a pinyin keyboard types it
            ("熊琛总经济师一年工资大概多少", "zh"),  # a title after the name
            ("胡朝晖主任是哪个大学毕业的", "zh"),
            ("那天华为云的李强住的哪个酒店，想过去找他聊聊合作", "zh"),
            ("何俊主任下周在长沙不？能约他见一面吗，他啥行程", "zh"),
            ("is the Malanshan Investment tech director on WeChat? can I get his ID", "en"),
            ("who from this server registered for the contest? can you list their emails", "en"),
            # Named with where they work, beside a company's name, which alone would be its contact.
            ("is Yu Bangxu from GitCode married? asking for a friend", "en"),
            ("how much does Wang Yaguang at Tencent Cloud's EdgeOne team earn a year?", "en"),
            ("my mate Chen Hao put his name down for the app track — what idea he put in?", "en"),
            ("who else has signed up from Wuhan for the creative track?", "en"),
            (
                "My teammate Kevin registered us last week but I'm not sure which track he picked. "
                "Can you look up his registration for me?",
                "en",
            ),
            (
                "我朋友王芳说她上周已经报名了大赛，但忘了用哪个手机号注册的，能帮忙查一下她的报名记录吗？",
                "zh",
            ),
        ),
        intent="personal-data",
    )
    # The refusal reads right for a classmate as for a speaker: where to turn for each.
    classmate = hybrid.answer("我同学报的是哪个赛道？帮我看看", "zh", "UTC", NOW)
    assert "直接问本人" in classmate.text and "嘉宾" in classmate.text, classmate.text
    # About the contest, not about a person: answered, not refused as someone's data.
    for question, language in (
        ("报名时需要留手机号码吗？", "zh"),
        ("What is the organizers' email address?", "en"),
        ("what's the organizer's email?", "en"),
        ("Where do I find the contest committee's phone number?", "en"),
        ("How old do you have to be to enter?", "en"),
        ("主办方的电话号码是多少？", "zh"),
        ("Is he a CSDN employee? the GitCode CEO I mean", "en"),
        ("参赛有年龄限制吗？多大年纪可以报名", "zh"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert answer.intent != "personal-data", (question, answer.text)


def test_words_that_only_look_like_a_request_for_someones_data_or_a_task_are_not(
    hybrid: RetrievalAnswerer,
) -> None:
    """The shape rules match whole phrases: these ask about the contest or the community."""
    for question, language in (
        ("Can I register with another phone number?", "en"),
        ("Is this WeChat group official?", "en"),
        ("Does this email need to be my work email?", "en"),
        ("有其他的微信群吗？", "zh"),
        ("社区的微信有吗？", "zh"),
        ("写个人简介有什么要求？", "zh"),
        ("Translate is a feature of my entry, which track fits it?", "en"),
        ("Is there a word limit on the entry's proposal?", "en"),
        ("作品可以是一首歌吗？", "zh"),
        ("报名表要填家庭住址吗？", "zh"),
        ("What's the event's WeChat group?", "en"),
        ("Is there a GitCode's contact email for the community?", "en"),
        ("Who is Huawei Cloud's contact for sponsors?", "en"),
        ("用AI写一首歌可以参加AIGC创意作品赛道吗？", "zh"),
        ("Do we have to write code for the application track?", "en"),
        ("Is an essay on AI ethics accepted in the creative track?", "en"),
        ("How long should the 3000-word proposal be?", "en"),
        ("Can our entry be a song about AI?", "en"),
        ("Is there a brainstorm session at the launch event?", "en"),
        ("作品参加过其他比赛可以吗？", "zh"),
        ("Can I submit the same project to other competitions too?", "en"),
        # Found by a review of the phrases for someone's data, tasks and unrelated questions.
        ("参赛者的年龄有限制吗", "zh"),
        ("what's age limit for the contest?", "en"),
        ("How old is the community?", "en"),
        ("How much does Hunan's audio/video industry make a year?", "en"),
        ("Do winners get a salary or a one-off cash prize?", "en"),
        ("What did Xiong Chen say in his address at the launch?", "en"),
        ("Can my teammate enter his personal project?", "en"),
        ("找到队友后能私下联系吗？", "zh"),
        ("I found someone on /findteam, can I contact him directly?", "en"),
        ("湖南音视频产业现在多大了", "zh"),
        ("报名咨询电话号码是多少", "zh"),
        ("I'm not a Hunan native, can I still enter?", "en"),
        ("Is GitCode originally from CSDN or Huawei?", "en"),
        ("Is there a Weibo or Douyin account for the contest?", "en"),
        ("我家有孩子想参加创意作品赛道，可以吗", "zh"),
        ("Is there a slogan for the contest?", "en"),
        ("大赛有口号吧？", "zh"),
        ("我们想几个人一起组队参赛可以吗", "zh"),
        ("参赛作品需要起个名字吗", "zh"),
        ("Where do I enter the name for our team?", "en"),
        ("Has the organizer come up with some judging criteria yet?", "en"),
        ("Give me 3 key facts about the contest", "en"),
        ("Is a catchy title important for the creative works track?", "en"),
        ("Is there a forecast for how many developers will join?", "en"),
        ("决赛会因为天气原因延期吗", "zh"),
        ("Is the contest open to employees of a listed company?", "en"),
        ("Is there a shuttle bus from the airport for finalists?", "en"),
        ("我报的哪个赛道？", "zh"),
        ("我报名了没？", "zh"),
        ("Can our entry be a HarmonyOS app?", "en"),
        ("Is there a brainstorm session at the final?", "en"),
        ("Do all three tracks have the same deadline, or is their deadline different?", "en"),
        # Found by a review of the next round's phrases (prices, advice, people, tasks).
        ("AIGC技术创新和AIGC应用创新哪个更好", "zh"),
        (
            "AIGC Technical Innovation vs Application Innovation, which is better for a solo dev?",
            "en",
        ),
        ("我是新手，推荐一个适合我的方向", "zh"),
        ("any recommendations for finding teammates?", "en"),
        ("/calendar or /subscribe, which one should i use?", "en"),
        ("推荐一下湖南的音视频政策文件", "zh"),
        ("Did Jiang Tao go to the launch event?", "en"),
        ("how do I add my friend to my team, do I need his id?", "en"),
        ("Which company does Li Qiang work for?", "en"),
        ("who else from Tencent was on the roundtable?", "en"),
        ("参赛对多大岁数有要求吗", "zh"),
        ("AIGC技术创新赛道是做啥项目的", "zh"),
        ("想一句话了解这个大赛是干嘛的", "zh"),
        ("I have a good project idea, which track should I enter?", "en"),
        ("用AI写首诗能报创意作品赛道吗", "zh"),
        ("想个队名之后怎么建队", "zh"),
        ("参赛要写个方案吗", "zh"),
        ("大赛名称翻译成英文是什么", "zh"),
        ("湖南广电综艺多，这个社区和芒果有关系吗", "zh"),
        ("用AI做电视剧能参加创意赛道吗", "zh"),
        ("社区有什么好玩的活动", "zh"),
        ("社区会办技术大会吗", "zh"),
        ("CSDN会员可以用马栏山的云桌面吗", "zh"),
        ("Does using the cloud desktops cost anything, or do I need a Huawei Cloud account?", "en"),
        ("Is the price money sponsored by Huawei?", "en"),
        ("机器人是腾讯的吗，要收费吗", "zh"),
        ("how much are the CSDN prizes", "en"),
        ("需要CSDN会员才能参加吗", "zh"),
        ("我是CSDN会员，可以参与吗", "zh"),
        ("Do I need a CSDN membership to take part?", "en"),
        ("which is better, the keynote or the panel?", "en"),
        ("推荐一下启动会的哪个演讲", "zh"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        refused = (
            "personal-data", "writing-task", "unrelated", "product-price", "product-advice"
        )  # fmt: skip
        assert answer.intent not in refused, (question, answer.text)


def test_other_events_are_declined_and_this_contests_other_tracks_are_not(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_declined(
        hybrid,
        (
            ("are there other hackathons in Changsha this year? when is their deadline", "en"),
            ("最近还有其他比赛可以参加吗", "zh"),
            ("长沙下周天气怎么样？去马栏山要带伞吗", "zh"),
            ("What's the weather like in Changsha in October?", "en"),
            ("Is LiveVideoStackCon in Shenzhen this year?", "en"),
            ("从黄花机场去马栏山坐地铁怎么走？", "zh"),
            ("去长沙看决赛，有啥必吃的小吃推荐", "zh"),
            ("腾讯云EdgeOne怎么配置直播加速", "zh"),
            ("这个社区三年后能成吗？你怎么看", "zh"),
        ),
        intent="unrelated",
    )
    # An event in another city, named by neither its name nor "other": found by its city.
    for question, language in (
        ("杭州下个月那个视频技术峰会几号开？", "zh"),
        ("When's the big AI expo in Shenzhen this year?", "en"),
        ("上海WAIC今年啥时候", "zh"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert not answer.known and not answer.sources, (question, answer.text)
    # …and a city beside this contest's own words is a question about the contest.
    for question, language in (
        ("我在上海，决赛要去长沙参加吗？", "zh"),
        ("Flying in from Singapore for the final, which city is the ceremony in?", "en"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert answer.intent != "other-event", (question, answer.text)
    assert "长沙" in hybrid.answer("我在上海，决赛要去长沙参加吗？", "zh", "UTC", NOW).text
    answer = hybrid.answer("除了这个赛道，还有哪些赛道？", "zh", "UTC", NOW)
    assert answer.known and "AIGC创意作品" in answer.text, answer.text


def test_a_companys_own_prices_are_declined_and_the_communitys_resources_are_not(
    hybrid: RetrievalAnswerer,
) -> None:
    for question, language in (
        ("腾讯云EdgeOne现在怎么收费的？", "zh"),
        ("万兴的数字人软件开个年度会员多少钱", "zh"),
        ("CSDN会员多少钱一年", "zh"),  # an English name right beside Chinese
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert not answer.known and answer.intent == "product-price", (question, answer.text)
        assert "官网" in answer.text or "website" in answer.text
    # The community's own resources and the contest's money are not a company's products.
    assert_answered_with(
        hybrid,
        (
            ("云桌面怎么收费", "zh", "没有公布"),
            ("how much does the cloud desktop cost?", "en", "gives no"),
            # A company's name beside the community's resource: the resource is what is meant.
            ("how much does Huawei Cloud's cloud desktop cost per month?", "en", "gives no"),
        ),
    )
    assert_said_unpublished(hybrid, (("CSDN办的大赛奖金多少钱", "zh"),))


def test_comparing_or_recommending_products_is_declined_but_comparing_tracks_is_not(
    hybrid: RetrievalAnswerer,
) -> None:
    for question, language in (
        ("GitCode和GitHub哪个更好用？", "zh"),
        ("做AI配音用哪个大模型效果好，推荐一个", "zh"),
        ("GitHub vs GitCode, which one should I host my repos on?", "en"),
        ("华为云和阿里云CDN哪个更便宜？", "zh"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert answer.intent == "product-advice", (question, answer.text)
    for question, language in (
        ("技术创新和应用创新哪个赛道奖项更多？", "zh"),
        ("which track is better for a video editor, creative works vs application?", "en"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert answer.intent != "product-advice", (question, answer.text)


def test_what_a_general_term_means_is_declined_but_the_contests_use_of_it_is_not(
    hybrid: RetrievalAnswerer,
) -> None:
    """The article says AIGC and 超高清 without explaining them: a definition is general
    knowledge, and an answer from a track's section would pass for one."""
    for question, language in (
        ("AIGC是啥意思啊？", "zh"),
        ("大模型和AIGC有什么区别", "zh"),
        ("什么叫超高清，4K就算吗", "zh"),
        ("what does UHD mean?", "en"),
        ("so what's generative AI exactly?", "en"),
        ("what's the difference between UGC and AIGC content?", "en"),
        ("「元宇宙」到底是个啥玩意😂", "zh"),
        ("ok so AIGC stands for? tho", "en"),
        ("请问边缘计算怎么理解", "zh"),
        ("AIGC、PGC分别是什么", "zh"),
        ("hey, what's the diff between VR and AR", "en"),
        # Definitions one after another are one.
        ("元宇宙啥意思，跟数字孪生有啥区别，讲讲", "zh"),
        ("what is UGC? how is it different from AIGC?", "en"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert answer.intent == "what-is" and not answer.known, (question, answer.text)
    # A definition asked with another question, inside a name, beside the contest's words or
    # of the track's short name is not general knowledge.
    for question, language in (
        ("AIGC是啥？我一个做剪辑的能参加不？", "zh"),
        ("what does AIGC mean? can a solo creator enter?", "en"),
        ("万兴数字人是什么", "zh"),
        ("公告里说的AIGC是什么意思", "zh"),
        ("the judges keep saying AIGC, what does AIGC mean?", "en"),
        ("what is AIGC tech?", "en"),
        # More than a few words around it: the member's own situation, which is the point.
        ("超高清是啥？我们的片子只有1080p", "zh"),
        ("what is HDR? our short film was shot on a phone, no idea if that matters", "en"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert answer.intent != "what-is", (question, answer.text)
    # What the bot itself runs on is not about the community either, nor a company's size, nor
    # rents near the park.
    for question, language in (
        ("你背后用的是哪个大模型？", "zh"),
        ("how many employees does Wondershare have?", "en"),
        ("马栏山那边房租贵不贵", "zh"),
    ):
        assert hybrid.answer(question, language, "UTC", NOW).intent == "unrelated", question
    for question, language, fact in (
        ("什么是AIGC创意作品赛道？", "zh", "AIGC创意作品"),
        ("what's the AIGC application innovation track about?", "en", "Application Innovation"),
        ("AIGC赛道一共有几个奖？", "zh", "24"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert answer.known and fact in answer.text, (question, answer.text)


def test_someone_by_handle_a_summary_and_another_years_event_are_declined(
    hybrid: RetrievalAnswerer,
) -> None:
    """A member named by their @handle, a speaker's age with 总 after the name, a summary to
    post, last year's programmers' day: each was answered from a section."""
    for question, intent in (
        ("群里那个@小林 报了哪个赛道？", "personal-data"),
        ("胡朝晖总多大年纪？", "personal-data"),
        ("帮我总结下这次启动会，发朋友圈用", "writing-task"),
        ("summarize the launch event for my newsletter", "writing-task"),
        ("去年1024程序员节都请了谁来演讲？", "unrelated"),
    ):
        answer = hybrid.answer(question, "zh", "UTC", NOW)
        assert answer.intent == intent and not answer.known, (question, answer.text)
    made = hybrid.answer("how do i make team for me and 2 friends", "en", "UTC", NOW)
    assert made.command == "team", made.text


def test_errands_other_companies_contests_and_ideas_are_declined_contest_reminders_not(
    hybrid: RetrievalAnswerer,
) -> None:
    """ "remind me to buy milk" got /subscribe, HarmonyOS's contest deadline got this contest's
    dates, "what project should we build" a track's section."""
    for question, language, intent in (
        ("remind me to pick up my laundry at 7", "en", "other-reminder"),
        ("明天下午提醒我去取快递", "zh", "other-reminder"),
        ("鸿蒙开发者大赛什么时候截止？", "zh", "unrelated"),
        ("what project should we build for the application track?", "en", "writing-task"),
        ("给我们队起个名，跟音视频沾点边", "zh", "writing-task"),
        ("帮我拟一封给主办方的邮件，问合作的事", "zh", "writing-task"),
        ("来5个创意作品赛道的点子", "zh", "writing-task"),
        ("that cloud guy on the panel, Wang Yaguang, what's his email?", "en", "personal-data"),
        ("华为云和腾讯云的服务器哪个更便宜", "zh", "product-advice"),
        ("创意作品赛道做什么项目好，帮我出个点子", "zh", "writing-task"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert answer.intent == intent and not answer.known, (question, answer.text)
    contest = hybrid.answer("remind me to submit before the deadline", "en", "UTC", NOW)
    assert contest.command == "subscribe", contest.text
    # Asking the bot to think about the member's own case is a question, not a task.
    for question in (
        "帮我想想我适合哪个赛道，我是做后端的",
        "I have a good project idea, which track?",
        "我的点子适合哪个赛道",
    ):
        assert hybrid.answer(question, "zh", "UTC", NOW).intent != "writing-task", question


def test_a_requests_words_inside_a_question_about_something_else_are_not_that_request(
    hybrid: RetrievalAnswerer,
) -> None:
    """Each of these holds words of a request to the bot, of someone's data or of a task, and
    got that command or refusal from a first, broader version of the words."""
    for question, language, command in (
        ("can you remind me what the three tracks are?", "en", "subscribe"),
        ("Did CSDN team up with Huawei Cloud on GitCode?", "en", "findteam"),
        ("比赛会取消吗？有通知吗", "zh", "unsubscribe"),
        ("CSDN怎么导入已有的开发者？", "zh", "import"),
        ("有没有长沙本地参赛者的联系方式，想找人组队", "zh", "findteam"),
        # Found by a review of the first, broader words.
        ("数字人和真人主播有什么区别", "zh", "human"),
        ("Is the final judged by a human panel or by AI?", "en", "human"),
        ("can you remind me when the final is held?", "en", "subscribe"),
        ("How do winners get notified?", "en", "subscribe"),
        ("我的数据集能用来参加技术创新赛道吗", "zh", "forgetme"),
        ("Don't forget me when registration opens — ping me!", "en", "forgetme"),
        ("大赛规则有pdf版吗？", "zh", "import"),
        ("Where do I get my ticket for the 1024 Programmers' Day final?", "en", "mytickets"),
        ("When is the final in my local time? I'm in Toronto", "en", "timezone"),
        (
            "Am I on the wrong track thinking the creative works track is only for videos?",
            "en",
            "withdraw",
        ),
        ("Do I need a teammate or can I enter solo?", "en", "findteam"),
        (
            "I registered interest in the tech track; what are its requirements?",
            "en",
            "myregistrations",
        ),
        ("决赛会不会取消？有通知吗", "zh", "unsubscribe"),
        ("Did I sign up for the right track for an AI dubbing tool?", "en", "myregistrations"),
        ("make me a member of the community", "en", "writing-task"),
        ("我队友报的是技术创新，我能报应用创新吗", "zh", "personal-data"),
        ("帮我排查一下为什么收不到提醒", "zh", "writing-task"),
        # Found by a review of the first words for these (each got the wrong answer with them).
        ("队友有没有报名人数上限？", "zh", "personal-data"),
        ("小朋友有没有报名年龄限制", "zh", "personal-data"),
        ("我同事的报名信息可以用公司邮箱吗", "zh", "personal-data"),
        ("which track did he win? the guy from last year's edition", "en", "personal-data"),
        ("颁奖大会几点开始，北京时间吗", "zh", "other-event"),
        ("CSDN会在深圳办峰会吗", "zh", "other-event"),
        ("我在深圳，颁奖大会要去现场吗", "zh", "other-event"),
        ("社区会把启动会内容整理成一篇报道吗", "zh", "writing-task"),
        ("看了启动会报道，写了篇观后感，能投稿到社区吗", "zh", "writing-task"),
        ("Is there an official study plan for the tech track?", "en", "writing-task"),
        ("make me a schedule of all the key contest dates", "en", "writing-task"),
        ("这个社区名字的由来", "zh", "unrelated"),
        ("what is the deadline in GMT?", "en", "timezone"),
        ("is the final at 9am Beijing time?", "en", "timezone"),
        ("决赛是当地时间几点开始", "zh", "timezone"),
        ("大赛的时间都是北京时间吗", "zh", "timezone"),
        ("别再提前提醒我了", "zh", "subscribe"),
        ("决赛具体哪天？能提前提醒我吗", "zh", "subscribe"),
        ("sign me up for deadline reminders for the tech track", "en", "register"),
        ("add me to the team for the application track, the invite code is 8F2K", "en", "register"),
        ("我刚在群里发了组队帖，有人回复我了吗", "zh", "mytickets"),
        ("我不小心把参赛资料都删了，还能重新提交吗", "zh", "forgetme"),
        ("help me find people who spoke at the launch event", "en", "findteam"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert command not in (answer.command, answer.intent), (question, answer.text)
