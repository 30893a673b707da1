"""The web page's own words, in both languages (the answers come from the core)."""

from __future__ import annotations

from functools import cache

from bot.i18n import LANGUAGES, N_, Translator

TEXTS = {
    "title": N_("Contest assistant"),
    "placeholder": N_("Ask about the contest, or type / for commands"),
    "send": N_("Send"),
    "commands": N_("Commands"),
    "name": N_("Your name (optional)"),
    "announcements": N_("Announcements"),
    "reminders": N_(
        "Reminders are not sent to this page. Add the dates to your calendar instead: /calendar."
    ),
    "download": N_("Download {name}"),
    "kept": N_("Message for you"),
    "error": N_("Something went wrong. Please try again."),
    "retry": N_("Please wait {seconds} s and try again."),
    "sources": N_("Sources"),
    "welcome": N_(
        "Hello! Ask me about the contest, its tracks, prizes and dates, or the resources the "
        "community offers. /help lists what I can do."
    ),
}


@cache
def interface_texts() -> dict[str, dict[str, str]]:
    """language → key → text."""
    return {
        language: {key: Translator(language).gettext(text) for key, text in TEXTS.items()}
        for language in LANGUAGES
    }
