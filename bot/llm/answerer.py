"""Answers written by a chat model from the retrieved passages, streamed, checked, and replaced by
the retrieval answer whenever the model fails or strays.

The model only writes text. It sees numbered passages and contest facts; its answer must cite
them ([1], [2]); an answer without citations, with a number that was not given, or repeating its
instructions is not shown. Provider errors, timeouts and rate limits fall back to retrieval.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from typing import Protocol

import numpy as np
from openai import APIError, AsyncOpenAI, OpenAIError

from bot.clock import Clock
from bot.config import Settings
from bot.content.models import Contest, Deadline
from bot.i18n import Translator
from bot.knowledge.address import as_read
from bot.knowledge.answer import (
    Answer,
    dont_know_text,
    may_concern_knowledge,
    slow_down_text,
)
from bot.knowledge.index import Hit, KnowledgeIndex
from bot.llm.citations import cited_sources
from bot.llm.prompt import build_prompt, leaked_instructions
from bot.messages import Citation, Reply
from bot.storage.answers import AnswerRepository, normalize_question
from bot.storage.database import Database

log = logging.getLogger(__name__)
NO_ANSWER = "NO_ANSWER"
_CITATION = re.compile(r"\[(\d{1,2})\]")
PASSAGES_OFFERED = 4


def chat_client(settings: Settings) -> AsyncOpenAI:
    """The configured provider's client, with the configured timeout and SDK retries."""
    assert settings.openai_api_key is not None
    return AsyncOpenAI(
        api_key=settings.openai_api_key.get_secret_value(),
        base_url=settings.openai_base_url,
        timeout=settings.llm_timeout_seconds,
        max_retries=settings.llm_max_retries,
    )


class LlmAnswerer:
    def __init__(
        self,
        settings: Settings,
        index: KnowledgeIndex,
        contest: Contest,
        database: Database,
        clock: Clock,
    ) -> None:
        assert settings.openai_api_key is not None
        self.settings, self.index, self.contest = settings, index, contest
        self.database, self.clock = database, clock
        self.client = chat_client(settings)

    async def translate(self, question: str, answer: str, language: str) -> tuple[str, str] | None:
        """An FAQ entry in the other language, for an organizer to review (the model only writes
        text; the organizer decides). None when the provider fails or answers out of shape."""
        target = "Simplified Chinese" if language == "zh" else "English"
        instructions = (
            f"Translate this FAQ entry of a developer community's contest into {target}. Keep "
            "names, numbers and dates exactly. Answer with two lines only: 'Q: <question>' and "
            "'A: <answer>' (the answer on one line)."
        )
        try:
            response = await self.client.chat.completions.create(
                model=self.settings.llm_model,
                messages=[
                    {"role": "system", "content": instructions},
                    {"role": "user", "content": f"Q: {question}\nA: {answer}"},
                ],
                temperature=0,
                max_tokens=self.settings.llm_max_answer_tokens,
            )
        except (APIError, OpenAIError) as error:
            log.warning("translation failed (%s)", type(error).__name__)
            return None
        text = response.choices[0].message.content or ""
        match = _TRANSLATED.search(text)
        if match is None:
            return None
        return match["question"].strip(), match["answer"].strip()

    async def reply(
        self,
        answers: AnswerRepository,
        member_id: int,
        question: str,
        zone_name: str,
        deadlines: list[Deadline],
        private: bool,
        retrieval: Answer,
        vector: np.ndarray | None = None,
        feedback: Feedback | None = None,
    ) -> Reply:
        """A reply to a member's question: streamed from the model, or at once if it needn't be.

        `retrieval` is the answer without the model: the fallback, in the question's language."""
        settings, now = self.settings, self.clock.now()
        language = retrieval.language
        t = Translator(language)
        turns = await answers.recent_turns(member_id, settings.llm_memory_turns) if private else []
        history = [(turn.role, turn.text) for turn in turns]
        hits = self.index.search(question, limit=PASSAGES_OFFERED, vector=vector)
        standalone = _answerable(hits)
        if not standalone and history:  # "and the second prize?" needs the last question
            last_question = next(text for role, text in reversed(history) if role == "user")
            together = f"{last_question} {question}"
            follow_up = await asyncio.to_thread(self.index.embed, together)
            hits = self.index.search(together, limit=PASSAGES_OFFERED, vector=follow_up)
        since = now - timedelta(hours=1)
        if await answers.llm_questions_since(member_id, since) >= settings.llm_questions_per_hour:
            return Reply(slow_down_text(t), private=True)
        if not _answerable(hits):
            await answers.unanswered(member_id, question, language, "llm", now)
            await answers.record(member_id, "unknown", now)
            unknown = Reply(dont_know_text(t))
            return await feedback.now(unknown, "unknown") if feedback else unknown
        cache_key = _cache_key(language, zone_name, question)
        if standalone and (
            cached := await answers.cached(
                cache_key, now - timedelta(minutes=settings.llm_cache_minutes)
            )
        ):
            await answers.record(member_id, "cache", now)
            if private:
                await answers.remember(
                    member_id, question, cached.text, settings.llm_memory_turns, now
                )
            reply = Reply(cached.text)
            return await feedback.now(reply, "cache", cached.sources) if feedback else reply
        candidates = []
        for hit in hits:
            passage = self.index.variant(hit.passage, language)
            if passage not in candidates:
                candidates.append(passage)
        prompt = build_prompt(
            question=question,
            language=language,
            contest=self.contest,
            deadlines=deadlines,
            candidates=candidates,
            history=history,
            zone_name=zone_name,
            now=now,
            budget=settings.llm_prompt_token_budget,
        )
        stream = ModelStream(self, prompt.messages, prompt.passages, retrieval)
        stream.decorate = feedback.later if feedback else None
        stream.on_finish = _Recorder(
            self.database,
            member_id,
            question,
            language,
            cache_key if standalone else None,
            private,
            settings,
            now,
        )
        return Reply("", stream=stream)


def _answerable(hits: list[Hit]) -> bool:
    """Whether the model should read the passages: the question may be about them (it says
    NO_ANSWER when they don't answer it, which becomes the don't-know)."""
    return bool(hits) and may_concern_knowledge(hits[0])


def _cache_key(language: str, zone_name: str, question: str) -> str:
    # As the index reads it: "@机器人 X" and "X" are one question.
    raw = f"{language}|{zone_name}|{normalize_question(as_read(question))}"
    return hashlib.sha256(raw.encode()).hexdigest()


_TRANSLATED = re.compile(r"Q:\s*(?P<question>.+?)\s*\n\s*A:\s*(?P<answer>.+)", re.S)


class Feedback(Protocol):
    """What to add to an answer once it is complete (the feedback buttons), by its path."""

    async def now(self, reply: Reply, path: str, sources: str | None = None) -> Reply: ...

    async def later(self, reply: Reply, path: str) -> Reply: ...


class ModelStream:
    """The model's answer chunk by chunk; `final` is what to show once it is complete."""

    def __init__(
        self,
        answerer: LlmAnswerer,
        messages: list[dict[str, str]],
        passages: list,  # type: ignore[type-arg]
        retrieval: Answer,
    ) -> None:
        self._answerer, self._messages, self._passages = answerer, messages, passages
        self._language, self._retrieval = retrieval.language, retrieval
        self._final: Reply | None = None
        self.path = "llm"
        self.usage = (0, 0)
        self.on_finish: _Recorder | None = None
        # Set by the caller: what to add to the complete reply (the feedback buttons), given
        # the reply and the path it took.
        self.decorate: Callable[[Reply, str], Awaitable[Reply]] | None = None

    @property
    def final(self) -> Reply:
        assert self._final is not None, "read `final` after the stream ends"
        return self._final

    async def __aiter__(self) -> AsyncIterator[str]:
        text, shown = "", 0
        settings = self._answerer.settings
        response = None
        try:
            # A provider that sends nothing in time is not waited for (nor retried): the member
            # gets the retrieval answer, and whatever comes later is dropped.
            async with asyncio.timeout(settings.llm_first_token_seconds) as first_token:
                response = await self._answerer.client.chat.completions.create(
                    model=settings.llm_model,
                    messages=self._messages,  # type: ignore[arg-type]
                    stream=True,
                    stream_options={"include_usage": True},
                    temperature=0.2,
                    max_tokens=settings.llm_max_answer_tokens,
                )
                async for chunk in response:
                    if chunk.usage is not None:
                        self.usage = (chunk.usage.prompt_tokens, chunk.usage.completion_tokens)
                    for choice in chunk.choices:
                        text += choice.delta.content or ""
                        if text:
                            first_token.reschedule(None)
                        # Hold back what may still turn out to be the NO_ANSWER signal.
                        if shown < len(text) and not NO_ANSWER.startswith(text.strip()[:9]):
                            yield text[shown:]
                            shown = len(text)
        except TimeoutError:
            log.warning(
                "LLM sent nothing within %s s; answering from retrieval",
                settings.llm_first_token_seconds,
            )
            if response is not None:
                await response.close()
            self._fall_back()
        except (APIError, OpenAIError) as error:
            log.warning("LLM unavailable (%s); answering from retrieval", type(error).__name__)
            self._fall_back()
        else:
            self._final = self._judge(text.strip())
        if self.on_finish is not None:
            await self.on_finish(self)
        if self.decorate is not None and self._final is not None:
            try:
                self._final = await self.decorate(self._final, self.path)
            except Exception:  # the member has the answer; its buttons are not worth losing it
                log.exception("adding the feedback buttons failed")

    def _judge(self, answer: str) -> Reply:
        t = Translator(self._language)
        if answer.startswith(NO_ANSWER):
            self.path = "unknown"
            return Reply(dont_know_text(t))
        cited = [int(number) for number in _CITATION.findall(answer)]
        valid = bool(cited) and all(1 <= n <= len(self._passages) for n in cited)
        if not valid or leaked_instructions(answer, self._language):
            log.info("LLM answer rejected (citations %s); answering from retrieval", cited)
            return self._fall_back()
        sources = [f"[{n}] {self._passages[n - 1].label}" for n in sorted(set(cited))]
        cited_passages = [self._passages[n - 1] for n in sorted(set(cited))]
        citations = tuple(
            Citation(label, p.doc, p.heading)
            for label, p in zip(sources, cited_passages, strict=True)
        )
        cited = t.gettext("Sources: {sources}", sources=t.gettext("; ").join(sources))
        return Reply(f"{answer}\n\n{cited}", citations=citations)

    def _fall_back(self) -> Reply:
        t = Translator(self._language)
        retrieval = self._retrieval
        if not retrieval.known:  # the knowledge base does not answer it either
            self.path = "unknown"
            self._final = Reply(dont_know_text(t))
            return self._final
        self.path = "fallback"
        note = t.gettext("(Answered from the knowledge base directly.)")
        text = retrieval.text
        if retrieval.sources:
            names = t.gettext("; ").join(s.label() for s in retrieval.sources)
            text += "\n\n" + t.gettext("Source: {sources}", sources=names)
        self._final = Reply(f"{text}\n{note}")
        return self._final


class _Recorder:
    """After the stream: remember the exchange, count tokens, cache, note an unanswered one."""

    def __init__(
        self,
        database: Database,
        member_id: int,
        question: str,
        language: str,
        cache_key: str | None,
        private: bool,
        settings: Settings,
        now: datetime,
    ) -> None:
        self.database, self.member_id, self.question = database, member_id, question
        self.language, self.cache_key, self.private = language, cache_key, private
        self.settings, self.now = settings, now

    async def __call__(self, stream: ModelStream) -> None:
        try:
            async with self.database.session() as session:
                answers = AnswerRepository(session)
                prompt, completion = stream.usage
                await answers.record(self.member_id, stream.path, self.now, prompt, completion)
                final = stream.final.text
                if stream.path == "unknown":
                    await answers.unanswered(
                        self.member_id, self.question, self.language, "llm", self.now
                    )
                elif stream.path == "llm" and self.cache_key is not None:
                    sources = cited_sources(stream.final)
                    await answers.cache(self.cache_key, final, sources, self.now)
                if self.private:
                    await answers.remember(
                        self.member_id,
                        self.question,
                        final,
                        self.settings.llm_memory_turns,
                        self.now,
                    )
        except Exception:  # the member has the answer; bookkeeping must not take it away
            log.exception("recording an LLM answer failed")
