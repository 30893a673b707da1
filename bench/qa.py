"""Retrieval quality and `ask` latency, over the bundled knowledge base and a synthetic one.

    .venv/bin/python bench/qa.py            # or: make bench

Prints recall@1/@3 of the expected section, the answer score (share of expected facts present,
off-topic questions counted as right when declined), and latency percentiles of one answer.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.config import BUNDLED_CONTENT_DIR, load_settings
from bot.content.loader import load_contest
from bot.contest_text import contest_passages
from bot.knowledge.answer import RetrievalAnswerer
from bot.knowledge.evaluation import EvalResult, evaluate, load_questions, mean
from bot.knowledge.index import KnowledgeIndex
from bot.knowledge.passages import Passage, load_passages
from bot.runtime import build_index

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
EVAL_FILE = DATA / "qa_eval.jsonl"
# Written apart from the content from the source article alone (by helpers who never saw the
# knowledge files): the calibration sets chose the gate's thresholds and showed what was missing;
# the final sets were never looked at question by question, so their figures are the honest
# ones (final-2 was written after the ways of asking, and checked once; calibration-2 and
# final-3 were written together on 2026-12-06 by two helpers apart, and final-3 is only read
# as these aggregates; calibration-3, only questions to decline, was written after them;
# calibration-4, both kinds, on 2026-12-06 in a later sitting, showed the fixes of that sitting,
# and calibration-5, mostly English, and calibration-6, mostly what to decline, after them;
# calibration-7 and final-4 were written together on 2026-12-06 by two more helpers apart, and
# final-4 was first measured before any change its figures could have led to; calibration-8
# and final-5 were written after the first fixes of that sitting, the same way, and
# calibration-9, half of it hard declines, after a review of those fixes; calibration-10,
# English that avoids every key noun of the article and Chinese declines, last; calibration-11,
# group-chat style, calibration-12, practical questions and near-miss declines, and final-6
# were written together on 2026-12-06 by three helpers apart, in a later sitting, and final-6
# was first measured before any change; calibration-13, people and organizations,
# calibration-14, what the article just does not say, and final-7 after the first fixes of
# that sitting, the same way; final-8 and calibration-15, long messages with context, after
# a review of those fixes; calibration-16, half of it about the bot's own commands, and
# final-9, with questions about the bot marked with the command they expect; calibration-17,
# in traditional Chinese as Taiwan and Hong Kong write it, after reading traditional
# characters as simplified; final-10, a quarter of its Chinese in traditional characters,
# at the end of that sitting; calibration-18, only questions about the bot, put indirectly,
# after it; final-11 and final-12 (one question in six about the bot), calibration-19 (English
# only) and calibration-20 (hard cases both ways) by four helpers apart in the next sitting,
# calibration-21 (English, half of it declines near the knowledge) after its first fixes:
# final-11 first measured before any change of that sitting, final-12 only at its end;
# final-13 and calibration-22 (hard both ways: indirect words, declines beside the article's
# nouns, requests put indirectly) by two helpers apart at the start of the sitting after, final-13
# first measured before any change; calibration-23, English from members who guess at names and
# check facts, after the first fixes; final-14 and calibration-24 (hard cases from members who
# half remember the article) by two helpers apart at the start of the seventh sitting, final-14
# first measured before any change and only at the end again; final-15 and calibration-25
# (bilingual members who mix the two languages in one message) by two helpers apart at the start
# of the eighth sitting, final-15 first measured before any change; calibration-26 (English as
# members around the world write it) and calibration-27 (declines beside answerable twins) after
# the first fixes; calibration-28 (a busy Chinese group chat) and final-16 by two helpers apart
# later in that sitting, final-16 measured only at its end; calibration-29 (English wrapped in
# stories) and calibration-30 (Chinese declines in varied words) after final-16 was measured;
# final-17, calibration-31 (English as an international group writes it) and calibration-32
# (declines beside the article's words, with answerable twins) by three helpers apart at the
# start of the ninth sitting, final-17 first measured before any change; final-18,
# calibration-33 (English from members who cannot read the article: roles for names, chat
# short forms, claims to check) and calibration-34 (hard declines in the article's own words,
# with answerable twins) by three helpers apart at the start of the tenth sitting, final-18
# first measured before any change; calibration-35 (the bot's own commands, the ones members
# confuse, and declines that sound like commands) after the first fixes of that sitting, and
# final-19 (a week of group traffic) mid-sitting, measured only at its end; final-20 (the week
# before the registration deadline), calibration-36 (English from members who heard of the
# community second-hand: things described rather than named, chat short forms) and
# calibration-37 (Chinese declines beside the article's words, with answerable twins) by three
# helpers apart at the start of the eleventh sitting, final-20 first measured before any change;
# calibration-38 (English in a Discord server: two details at once, the bot's commands described)
# and calibration-39 (a busy Chinese group chat, most of it to decline) after the first fixes, and
# calibration-40 (English on Telegram, short and vague) after them; final-21 (the week submissions
# open), calibration-41 (English from non-native writers in a Discord server) and calibration-42
# (a Chinese group chat's slang and loose names) by three helpers apart at the start of the
# twelfth sitting, final-21 first measured before any change; final-22 (the week before works are
# judged), calibration-43 (English from members who never read the article: things described,
# wrong facts to check) and calibration-44 (a busy Chinese group chat, hand-typed @mentions) by
# three helpers apart at the start of the thirteenth sitting, final-22 first measured before any
# change; calibration-45 (English typed on phones: short forms, people by their role) and
# calibration-46 (a Chinese group's practical questions and half-remembered figures) after the
# first fixes; calibration-47 (commands members confuse, after saying who they are, both
# languages) and calibration-48 (English that never uses the article's nouns) after those;
# final-23 (a month of traffic from all kinds of members) written after the first fixes of that
# sitting, measured then and at its end, never read question by question); final-24 (the week
# results are announced), calibration-49 (declines beside answerable twins), calibration-50
# (non-native English on Discord, things described) and calibration-51 (commands members confuse,
# described by their goal) by four helpers apart at the start of the fourteenth sitting, final-24
# first measured before any change; calibration-52 (tasks and private questions woven into the
# article's content) after the first fixes; final-25 (a month after the launch, commands described
# by their goal) and calibration-53 (English on Discord: commands described, tasks after a fact)
# after those, final-25 first measured then; calibration-54 (Chinese: commands described by
# their goal, and acting for someone else) last); final-26 (an ordinary weekday of the contest
# season), calibration-55 (declines beside answerable twins) and calibration-56 (English from
# members who heard of the community second-hand) by three helpers apart at the start of the
# fifteenth sitting, final-26 first measured before any change; calibration-57 (a Chinese group
# chat's tasks in everyday verbs, with twins) and calibration-58 (English: private details of
# people described by role, with twins) after the first fixes; calibration-59 (English answerable
# questions in members' own words) and calibration-60 (commands described by the member's
# situation, both languages) after those; final-27 (the weekend before the final) last, first
# measured after this sitting's changes); final-28 (the month after the launch, in mixed
# channels), calibration-61 (a Chinese group chat, declines beside answerable twins) and
# calibration-62 (English on Discord from members who never read the article, most of it to
# decline) by three helpers apart at the start of the sixteenth sitting, final-28 first measured
# before any change; calibration-63 (what the article leaves out, with answerable twins, both
# languages) and calibration-64 (commands members confuse, described by what they want to
# happen, and declines that sound like commands) after the first fixes; calibration-65 (English:
# private details of people and members beside answerable twins, and the finder's commands) and
# calibration-66 (a Chinese group chat: tasks in everyday verbs, and the registration commands
# members confuse) after those; final-29 (a quiet Sunday months before the final) written after
# the first fixes and first measured after that sitting's changes; final-30 (the evening a
# partner company forwards the contest to its staff, mixed channels), calibration-67 (a Chinese
# group chat relayed to the bot, declines beside answerable twins) and calibration-68 (English
# on Discord from developers abroad: money, logistics, people, tasks) by three helpers apart at
# the start of the seventeenth sitting, final-30 first measured before any change;
# calibration-69 (parents, teachers and students, both languages: declines that sound like
# commands) and calibration-70 (long Chinese messages, a story first) after the first fixes;
# final-31 (the week the official sign-up is expected) and calibration-71 (English from members
# planning: travel, time off, contacts by job) after those, final-31 first measured before the
# changes that followed; calibration-72 (English answerable questions from members who never
# read the article) and calibration-73 (Chinese ones from members who half remember it) last:
# they showed what the knowledge had left out of the article (the park's view of the future).
HELD_OUT_FILES = {
    "calibration": DATA / "qa_calibration.jsonl",
    "calibration-2": DATA / "qa_calibration_2.jsonl",
    "calibration-3 (declines only)": DATA / "qa_calibration_3.jsonl",
    "calibration-4": DATA / "qa_calibration_4.jsonl",
    "calibration-5 (mostly English)": DATA / "qa_calibration_5.jsonl",
    "calibration-6 (mostly declines)": DATA / "qa_calibration_6.jsonl",
    "calibration-7": DATA / "qa_calibration_7.jsonl",
    "calibration-8 (mostly English)": DATA / "qa_calibration_8.jsonl",
    "calibration-9 (hard declines)": DATA / "qa_calibration_9.jsonl",
    "calibration-10 (paraphrase only)": DATA / "qa_calibration_10.jsonl",
    "calibration-11 (group-chat style)": DATA / "qa_calibration_11.jsonl",
    "calibration-12 (practical, near misses)": DATA / "qa_calibration_12.jsonl",
    "calibration-13 (people)": DATA / "qa_calibration_13.jsonl",
    "calibration-14 (what is not said)": DATA / "qa_calibration_14.jsonl",
    "calibration-15 (long messages)": DATA / "qa_calibration_15.jsonl",
    "calibration-16 (about the bot)": DATA / "qa_calibration_16.jsonl",
    "calibration-17 (traditional Chinese)": DATA / "qa_calibration_17.jsonl",
    "calibration-18 (about the bot only)": DATA / "qa_calibration_18.jsonl",
    "calibration-19 (English only)": DATA / "qa_calibration_19.jsonl",
    "calibration-20 (hard both ways)": DATA / "qa_calibration_20.jsonl",
    "calibration-21 (English declines)": DATA / "qa_calibration_21.jsonl",
    "calibration-22 (hard both ways)": DATA / "qa_calibration_22.jsonl",
    "calibration-23 (English, guessed names)": DATA / "qa_calibration_23.jsonl",
    "calibration-24 (hard, half-remembered)": DATA / "qa_calibration_24.jsonl",
    "calibration-25 (mixed languages)": DATA / "qa_calibration_25.jsonl",
    "calibration-26 (world English)": DATA / "qa_calibration_26.jsonl",
    "calibration-27 (declines and twins)": DATA / "qa_calibration_27.jsonl",
    "calibration-28 (group chat)": DATA / "qa_calibration_28.jsonl",
    "calibration-29 (English stories)": DATA / "qa_calibration_29.jsonl",
    "calibration-30 (Chinese declines)": DATA / "qa_calibration_30.jsonl",
    "calibration-31 (international English)": DATA / "qa_calibration_31.jsonl",
    "calibration-32 (near declines, twins)": DATA / "qa_calibration_32.jsonl",
    "calibration-33 (English second-hand)": DATA / "qa_calibration_33.jsonl",
    "calibration-34 (declines in the article's words)": DATA / "qa_calibration_34.jsonl",
    "calibration-35 (commands members confuse)": DATA / "qa_calibration_35.jsonl",
    "calibration-36 (English, described not named)": DATA / "qa_calibration_36.jsonl",
    "calibration-37 (Chinese declines, twins)": DATA / "qa_calibration_37.jsonl",
    "calibration-38 (English, Discord)": DATA / "qa_calibration_38.jsonl",
    "calibration-39 (Chinese group chat)": DATA / "qa_calibration_39.jsonl",
    "calibration-40 (English, short and vague)": DATA / "qa_calibration_40.jsonl",
    "calibration-41 (non-native English)": DATA / "qa_calibration_41.jsonl",
    "calibration-42 (Chinese slang)": DATA / "qa_calibration_42.jsonl",
    "calibration-43 (English, described)": DATA / "qa_calibration_43.jsonl",
    "calibration-44 (Chinese group chat)": DATA / "qa_calibration_44.jsonl",
    "calibration-45 (English on phones)": DATA / "qa_calibration_45.jsonl",
    "calibration-46 (Chinese, practical)": DATA / "qa_calibration_46.jsonl",
    "calibration-47 (commands confused)": DATA / "qa_calibration_47.jsonl",
    "calibration-48 (English, no nouns)": DATA / "qa_calibration_48.jsonl",
    "calibration-49 (declines, twins)": DATA / "qa_calibration_49.jsonl",
    "calibration-50 (English, described)": DATA / "qa_calibration_50.jsonl",
    "calibration-51 (commands by their goal)": DATA / "qa_calibration_51.jsonl",
    "calibration-52 (tasks woven in)": DATA / "qa_calibration_52.jsonl",
    "calibration-53 (English, commands described)": DATA / "qa_calibration_53.jsonl",
    "calibration-54 (Chinese, commands described)": DATA / "qa_calibration_54.jsonl",
    "calibration-55 (declines, twins)": DATA / "qa_calibration_55.jsonl",
    "calibration-56 (English, second-hand)": DATA / "qa_calibration_56.jsonl",
    "calibration-57 (Chinese tasks, twins)": DATA / "qa_calibration_57.jsonl",
    "calibration-58 (English, private details)": DATA / "qa_calibration_58.jsonl",
    "calibration-59 (English, own words)": DATA / "qa_calibration_59.jsonl",
    "calibration-60 (commands by situation)": DATA / "qa_calibration_60.jsonl",
    "calibration-61 (Chinese declines, twins)": DATA / "qa_calibration_61.jsonl",
    "calibration-62 (English declines, Discord)": DATA / "qa_calibration_62.jsonl",
    "calibration-63 (not published, twins)": DATA / "qa_calibration_63.jsonl",
    "calibration-64 (commands confused)": DATA / "qa_calibration_64.jsonl",
    "calibration-65 (English, people and the finder)": DATA / "qa_calibration_65.jsonl",
    "calibration-66 (Chinese, tasks and registering)": DATA / "qa_calibration_66.jsonl",
    "calibration-67 (Chinese group chat, twins)": DATA / "qa_calibration_67.jsonl",
    "calibration-68 (English from abroad)": DATA / "qa_calibration_68.jsonl",
    "calibration-69 (parents and teachers)": DATA / "qa_calibration_69.jsonl",
    "calibration-70 (Chinese, a story first)": DATA / "qa_calibration_70.jsonl",
    "calibration-71 (English, planning)": DATA / "qa_calibration_71.jsonl",
    "calibration-72 (English, answerable)": DATA / "qa_calibration_72.jsonl",
    "calibration-73 (Chinese, answerable)": DATA / "qa_calibration_73.jsonl",
    "final": DATA / "qa_heldout.jsonl",
    "final-2": DATA / "qa_heldout_2.jsonl",
    "final-3": DATA / "qa_heldout_3.jsonl",
    "final-4": DATA / "qa_heldout_4.jsonl",
    "final-5": DATA / "qa_heldout_5.jsonl",
    "final-6": DATA / "qa_heldout_6.jsonl",
    "final-7": DATA / "qa_heldout_7.jsonl",
    "final-8": DATA / "qa_heldout_8.jsonl",
    "final-9": DATA / "qa_heldout_9.jsonl",
    "final-10": DATA / "qa_heldout_10.jsonl",
    "final-11": DATA / "qa_heldout_11.jsonl",
    "final-12": DATA / "qa_heldout_12.jsonl",
    "final-13": DATA / "qa_heldout_13.jsonl",
    "final-14": DATA / "qa_heldout_14.jsonl",
    "final-15": DATA / "qa_heldout_15.jsonl",
    "final-16": DATA / "qa_heldout_16.jsonl",
    "final-17": DATA / "qa_heldout_17.jsonl",
    "final-18": DATA / "qa_heldout_18.jsonl",
    "final-19": DATA / "qa_heldout_19.jsonl",
    "final-20": DATA / "qa_heldout_20.jsonl",
    "final-21": DATA / "qa_heldout_21.jsonl",
    "final-22": DATA / "qa_heldout_22.jsonl",
    "final-23": DATA / "qa_heldout_23.jsonl",
    "final-24": DATA / "qa_heldout_24.jsonl",
    "final-25": DATA / "qa_heldout_25.jsonl",
    "final-26": DATA / "qa_heldout_26.jsonl",
    "final-27": DATA / "qa_heldout_27.jsonl",
    "final-28": DATA / "qa_heldout_28.jsonl",
    "final-29": DATA / "qa_heldout_29.jsonl",
    "final-30": DATA / "qa_heldout_30.jsonl",
    "final-31": DATA / "qa_heldout_31.jsonl",
}
NOW = datetime(2024, 5, 20, tzinfo=UTC)
SYNTHETIC_PASSAGES = 10_000
REPEATS = 5

ENGLISH_WORDS = """
    video audio stream codec latency render frame studio creator developer cloud cluster node
    model dataset camera editing sound music subtitle broadcast network storage archive license
    workshop meetup summit tutorial plugin interface protocol encoder decoder pixel color
""".split()
CHINESE_WORDS = """
    视频 音频 编码 解码 直播 剪辑 字幕 渲染 算力 存储 网络 镜头 摄像 声音 音乐 课程 工作坊 峰会
    插件 接口 协议 模型 数据 素材 版权 色彩 像素 带宽 服务器 集群 终端 工具 平台 生态 园区
""".split()


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def synthetic_passages(count: int, seed: int = 7) -> list[Passage]:
    """Filler sections in both languages, so the real ones must be found among many."""
    generator = random.Random(seed)
    passages = []
    for number in range(count):
        language = "zh" if number % 2 else "en"
        words = CHINESE_WORDS if language == "zh" else ENGLISH_WORDS
        separator = "" if language == "zh" else " "
        text = separator.join(generator.choices(words, k=generator.randint(30, 80)))
        heading = separator.join(generator.choices(words, k=3))
        passages.append(
            Passage(
                f"synthetic-{number // 2}",
                language,
                0,
                f"synthetic-{number // 2}.{language}.md",
                "Synthetic",
                heading,
                text,
                1,
            )
        )
    return passages


def measure(label: str, answerer: RetrievalAnswerer, path: Path = EVAL_FILE) -> list[EvalResult]:
    questions = load_questions(path)
    results = evaluate(answerer, questions, "Asia/Shanghai", NOW)
    with_section = [r for r in results if r.question.doc is not None or r.question.facts]
    recall_1 = mean([1.0 if r.rank == 1 else 0.0 for r in with_section])
    recall_3 = mean([1.0 if r.rank is not None and r.rank <= 3 else 0.0 for r in with_section])

    def score(language: str, declined: bool) -> str:
        chosen = [
            r.score
            for r in results
            if r.question.language == language and r.question.off_topic == declined
        ]
        return f"{mean(chosen):.2f} ({len(chosen)})"

    latencies = []
    for _ in range(REPEATS):
        for question in questions[:40]:
            started = time.perf_counter()
            answerer.answer(question.question, question.language, "Asia/Shanghai", NOW)
            latencies.append((time.perf_counter() - started) * 1000)
    print(f"\n{label}: {len(answerer.index)} passages, {path.name}, {len(questions)} questions")
    print(
        f"  recall@1 {recall_1:.2f}   recall@3 {recall_3:.2f}   answer score zh "
        f"{score('zh', False)}, en {score('en', False)}   must-decline declined zh "
        f"{score('zh', True)}, en {score('en', True)}"
    )
    print(
        f"  ask latency ms: p50 {statistics.median(latencies):.2f}   "
        f"p95 {percentile(latencies, 0.95):.2f}   p99 {percentile(latencies, 0.99):.2f}   "
        f"max {max(latencies):.2f}"
    )
    return results


def print_pooled(results: list[EvalResult]) -> None:
    """All the honest (final) sets as one: the figure least moved by any one set's luck."""
    parts = []
    for declined in (False, True):
        for language in ("zh", "en"):
            scores = [
                r.score
                for r in results
                if r.question.language == language and r.question.off_topic == declined
            ]
            parts.append(f"{language} {mean(scores):.3f} ({len(scores)})")
    print(
        f"\nfinal sets pooled: answer score {parts[0]}, {parts[1]}   must-decline declined "
        f"{parts[2]}, {parts[3]}"
    )


def main() -> None:
    contest = load_contest(BUNDLED_CONTENT_DIR)
    clock = type("Clock", (), {"now": lambda self: NOW})()
    for retrieval in ("bm25", "hybrid"):
        settings = load_settings(content_dir=BUNDLED_CONTENT_DIR, retrieval=retrieval)
        started = time.perf_counter()
        index = build_index(settings, contest, clock)
        took = time.perf_counter() - started
        print(f"\n=== {retrieval}: index build {took:.2f} s (embeddings cached after the first)")
        answerer = RetrievalAnswerer(index, contest)
        measure(f"{retrieval}, eval set (written with the content)", answerer)
        honest: list[EvalResult] = []
        for name, path in HELD_OUT_FILES.items():
            results = measure(f"{retrieval}, held-out {name}", answerer, path)
            if name.startswith("final"):
                honest += results
        print_pooled(honest)

    settings = load_settings(content_dir=BUNDLED_CONTENT_DIR, retrieval="bm25")
    passages, _ = load_passages(BUNDLED_CONTENT_DIR)
    live = contest_passages(contest, settings.zone, settings.timezone, NOW)
    started = time.perf_counter()
    large = KnowledgeIndex([*passages, *live, *synthetic_passages(SYNTHETIC_PASSAGES)])
    print(f"\nindex build ({len(large)} passages, BM25): {time.perf_counter() - started:.2f} s")
    measure(
        f"bm25, bundled + {SYNTHETIC_PASSAGES:,} synthetic passages",
        RetrievalAnswerer(large, contest),
    )


if __name__ == "__main__":
    main()
