"""Rendering a dashboard page in the organizer's language.

The language is the one chosen with the page's switch (a cookie), else the first of ours the
browser accepts (Accept-Language), else English, the language of the message ids. Templates call
`_("…")`, which `tests/test_translations.py` extracts with Babel's Jinja2 method like any other
message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from bot.dashboard.access import SessionInfo
from bot.i18n import LANGUAGES, N_, Language, Translator, accepted_language

TEMPLATES_DIR = Path(__file__).with_name("templates")
LANGUAGE_COOKIE = "cb_lang"
SESSION_KEY: web.RequestKey[SessionInfo] = web.RequestKey("session", SessionInfo)
# Where the language switch returns to from a page shown after a form (a POST address cannot
# be opened again).
_PAGE_OF_TEMPLATE = {"preview.html": "broadcasts.html", "overview.html": ""}
# The states a page shows (broadcasts, tickets, FAQ entries), named for translation.
STATES = frozenset(
    (
        *(N_("draft"), N_("scheduled"), N_("queued"), N_("done"), N_("cancelled")),
        *(N_("open"), N_("answered"), N_("closed"), N_("published"), N_("retired")),
    )
)
_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    autoescape=jinja2.select_autoescape(["html"]),
)


def page_language(request: web.Request) -> Language:
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen  # type: ignore[return-value]
    return accepted_language(request.headers.get("Accept-Language", ""))


def translator_for(request: web.Request) -> Translator:
    return Translator(page_language(request))


def render(
    request: web.Request,
    name: str,
    title: str,
    status: int = 200,
    title_values: dict[str, object] | None = None,
    **values: Any,
) -> web.Response:
    """A page; `title` is an English message id, translated here like the template's texts."""
    t = translator_for(request)
    session = request.get(SESSION_KEY)
    here = request.path_qs if request.method == "GET" else _address_of(name)
    html = _templates.get_template(name).render(
        _=t.gettext,
        state=lambda name: t.gettext(name) if name in STATES else name,
        language=t.language,
        here=here,
        title=t.gettext(title, **(title_values or {})),
        signed_in=session is not None,
        csrf=session.csrf if session else "",
        **values,
    )
    return web.Response(text=html, content_type="text/html", status=status)


async def switch_language(request: web.Request) -> web.StreamResponse:
    """The language switch: remember the choice and return to the page it was made on."""
    chosen = request.query.get("to", "")
    back = request.query.get("back", "")
    if not back.startswith("/dashboard/") or "//" in back or "\\" in back:
        back = "/dashboard/"  # only our own pages: the switch is no open redirect
    response = web.HTTPSeeOther(back)
    if chosen in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE, chosen, max_age=365 * 24 * 3600, path="/dashboard", samesite="Lax"
        )
    raise response


def _address_of(template: str) -> str:
    page = _PAGE_OF_TEMPLATE.get(template, template)
    return "/dashboard/" + page.removesuffix(".html")
