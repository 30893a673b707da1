"""/lang: choose Chinese or English, or follow the platform's language again."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.router import Argument, ArgumentKind, Replies, Router
from bot.i18n import N_, Translator, parse_language
from bot.messages import Button, Reply

router = Router()
_AUTOMATIC = ("auto", "自动")


LANGUAGE_CHOICES = (("zh", N_("中文")), ("en", N_("English")), ("auto", N_("Automatic")))


@router.command(
    "lang",
    N_("Choose 中文 or English"),
    argument=Argument(
        "language", N_("The language to answer in"), ArgumentKind.CHOICE, LANGUAGE_CHOICES
    ),
)
async def choose_language(ctx: Context) -> Replies:
    wanted = ctx.incoming.args.strip()
    if not wanted:
        buttons = tuple(
            Button(ctx.t.gettext(label), f"lang:{value}") for value, label in LANGUAGE_CHOICES
        )
        return [Reply(ctx.t.gettext("Which language should I use?"), buttons=buttons)]
    return await _set(ctx, wanted)


@router.button("lang")
async def language_pressed(ctx: Context) -> Replies:
    return await _set(ctx, (ctx.incoming.pressed or "").partition(":")[2])


async def _set(ctx: Context, wanted: str) -> Replies:
    if wanted.strip().lower() in _AUTOMATIC:
        ctx.member.language = None
        return [
            Reply(
                ctx.t.gettext(
                    "OK, I will answer in the language you write in (or your app's language)."
                )
            )
        ]
    language = parse_language(wanted)
    if language is None:
        return [
            Reply(
                ctx.t.gettext(
                    "I don't know the language “{wanted}”. Use /lang zh, /lang en or /lang auto.",
                    wanted=wanted,
                )
            )
        ]
    ctx.member.language = language
    return [Reply(Translator(language).gettext("OK, I will answer in English."))]
