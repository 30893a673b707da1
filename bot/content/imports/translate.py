"""`content import --translate`: the other language's knowledge file, written by the configured
language model section by section, for an organizer to review before it goes live.

Section N of the translation says what section N of the source says, so the two files pair as
the bundled ones do. The model only writes text: the file is checked like any import, and marked
as a machine translation at its top."""

from __future__ import annotations

import logging

from openai import AsyncOpenAI, OpenAIError

from bot.config import Settings
from bot.content.imports.extract import ImportRefused
from bot.content.imports.plan import ImportPlan
from bot.content.imports.sections import ImportedDocument, ImportedSection
from bot.i18n import N_, Language, other_language
from bot.llm.answerer import chat_client

log = logging.getLogger(__name__)
_TARGET = {"zh": "Simplified Chinese", "en": "English"}
INSTRUCTIONS = (
    "Translate this section of a developer contest's document into {target}. Keep names, "
    "numbers, dates, amounts and clause numbers exactly; add nothing. Answer with the heading on "
    "the first line, an empty line, then the text."
)


async def translate_document(settings: Settings, plan: ImportPlan) -> ImportedDocument:
    """The imported document in the other language; ImportRefused when no model is configured
    or it fails (the source-language file stands either way)."""
    if settings.openai_api_key is None:
        raise ImportRefused(N_("--translate needs a language model (BOT_OPENAI_API_KEY)."))
    client = chat_client(settings)
    target = other_language(plan.language)
    title = plan.passages[0].title if plan.passages else plan.path.stem
    translated_title, _ = await _translate(client, settings, target, title, title)
    sections = []
    for section in plan.document.sections:
        heading, text = await _translate(client, settings, target, section.heading, section.text)
        sections.append(ImportedSection(heading, text, section.page))
    return ImportedDocument(translated_title, sections)


async def _translate(
    client: AsyncOpenAI, settings: Settings, target: Language, heading: str, text: str
) -> tuple[str, str]:
    try:
        response = await client.chat.completions.create(
            model=settings.llm_model,
            messages=[
                {"role": "system", "content": INSTRUCTIONS.format(target=_TARGET[target])},
                {"role": "user", "content": f"{heading}\n\n{text}"},
            ],
            temperature=0,
        )
    except OpenAIError as error:
        log.warning("translating an import failed (%s)", type(error).__name__)
        raise ImportRefused(
            N_("The language model did not translate it ({error})."), error=type(error).__name__
        ) from None
    answer = (response.choices[0].message.content or "").strip()
    first, _, rest = answer.partition("\n")
    if not first.strip() or not rest.strip():
        raise ImportRefused(N_("The language model's translation was not in the expected shape."))
    return first.strip().lstrip("#").strip(), rest.strip()
