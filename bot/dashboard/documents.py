"""The dashboard's documents page: upload a PDF, a Word file, a web page or a Markdown file (or
give a web page's address), see the sections found, confirm, and the content reloads live. The
same steps as /import in chat (`content/imports/steps.py`).

The upload is read as a stream, part by part, so the import's own size limit applies (not the
HTTP server's 1 MB default for forms) and a file above it is refused without being kept."""

from __future__ import annotations

import asyncio
import hmac

from aiohttp import BodyPartReader, web

from bot.content.imports.extract import ImportRefused
from bot.content.imports.fetch import Source, download, is_address, megabytes, too_big
from bot.content.imports.plan import IMPORT_MARK, apply, describe
from bot.content.imports.steps import forget, keep, kept, max_bytes, plan_source
from bot.core.context import Services
from bot.dashboard.page import SESSION_KEY, render, translator_for
from bot.i18n import N_, Translator
from bot.knowledge.build import reload_content
from bot.knowledge.passages import KNOWLEDGE_DIR, split_document

CHUNK = 64 * 1024


class DocumentPages:
    def __init__(self, services: Services) -> None:
        self.services = services

    def routes(self) -> list[tuple[str, str, web.RequestHandler, bool]]:
        """(method, path, handler, reads its own body): the upload checks its form's CSRF field
        itself, as the first part of the stream."""
        return [
            ("GET", "/dashboard/documents", self.documents, False),
            ("POST", "/dashboard/documents/preview", self.preview, True),
            ("POST", r"/dashboard/documents/{key:[0-9a-f]+}/confirm", self.confirm, False),
            ("POST", r"/dashboard/documents/{key:[0-9a-f]+}/cancel", self.cancel, False),
        ]

    async def documents(
        self, request: web.Request, notice: str = "", error: str = "", status: int = 200
    ) -> web.StreamResponse:
        settings = self.services.settings
        return render(
            request,
            "documents.html",
            N_("Documents"),
            status=status,
            imported=self._imported(),
            limit=megabytes(max_bytes(settings)),
            pages=settings.import_max_pages,
            notice=notice,
            error=error,
        )

    async def preview(self, request: web.Request) -> web.StreamResponse:
        t = translator_for(request)
        try:
            source, doc = await self._received(request, t)
            plan = await plan_source(
                self.services.settings, source, self.services.clock.now().date(), doc
            )
        except ImportRefused as refused:
            error = refused.told(t)
            return await self.documents(request, error=error, status=422)
        key = keep(self.services.settings, source, doc)
        return render(
            request,
            "document_preview.html",
            N_("Import a document"),
            key=key,
            summary=describe(plan, t),
            sections=plan.passages,
        )

    async def confirm(self, request: web.Request) -> web.StreamResponse:
        t, settings = translator_for(request), self.services.settings
        key = request.match_info["key"]
        pending = kept(settings, key)
        if pending is None:
            error = t.gettext("That import is no longer waiting: send the document again.")
            return await self.documents(request, error=error, status=404)
        try:
            today = self.services.clock.now().date()
            plan = await plan_source(settings, pending.source, today, pending.doc)
            await asyncio.to_thread(apply, plan)  # off the event loop, as in chat
        except ImportRefused as refused:  # the content changed since the preview, or is read-only
            error = refused.told(t)
            return await self.documents(request, error=error, status=409)
        forget(settings, key)
        problems, _summary = await reload_content(self.services)
        if problems:  # only a concurrent edit of the content gets here
            listed = "; ".join(str(problem) for problem in problems[:20])
            error = t.gettext("Nothing was reloaded: {problems}", problems=listed)
            return await self.documents(request, error=error, status=409)
        notice = t.gettext(
            "Imported {file}: {count} section(s). The bot answers from it within seconds.",
            file=plan.path.name,
            count=len(plan.passages),
        )
        return await self.documents(request, notice=notice)

    async def cancel(self, request: web.Request) -> web.StreamResponse:
        forget(self.services.settings, request.match_info["key"])
        return await self.documents(
            request, notice=translator_for(request).gettext("Nothing was imported.")
        )

    async def _received(self, request: web.Request, t: Translator) -> tuple[Source, str | None]:
        """The uploaded file or the address's document, and the document name asked for; the
        form's CSRF field comes first, then the name, then the file or the address."""
        limit = max_bytes(self.services.settings)
        try:
            reader = await request.multipart()
        except (AssertionError, ValueError):  # not multipart: a hand-made request
            raise web.HTTPBadRequest(text=t.gettext("Send the form from the page.")) from None
        session = request[SESSION_KEY]
        csrf = await reader.next()
        if not isinstance(csrf, BodyPartReader) or csrf.name != "csrf":
            raise web.HTTPForbidden(text=t.gettext("The form is stale; reload the page."))
        if not hmac.compare_digest(await csrf.text(), session.csrf):
            raise web.HTTPForbidden(text=t.gettext("The form is stale; reload the page."))
        doc: str | None = None
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "doc":
                doc = (await part.text()).strip() or None
            elif part.name == "address":
                address = (await part.text()).strip()
                if is_address(address):
                    return await download(address, limit), doc
            elif part.name == "file" and part.filename:
                data = bytearray()
                while chunk := await part.read_chunk(CHUNK):
                    data += chunk
                    if len(data) > limit:
                        raise too_big(len(data), limit)
                if data:
                    media_type = part.headers.get("Content-Type")
                    return Source(part.filename, bytes(data), media_type), doc
        raise ImportRefused(N_("Choose a file or give a web page's address."))

    def _imported(self) -> list[tuple[str, int]]:
        """The knowledge files imported so far, with their number of sections."""
        folder = self.services.settings.content_dir / KNOWLEDGE_DIR
        found = []
        for path in sorted(folder.glob("*.md")):
            text = path.read_text(encoding="utf-8", errors="replace")
            if IMPORT_MARK in text:
                topic, language = path.name.split(".")[:2]
                found.append((path.name, len(split_document(path, topic, language, text)[0])))
        return found
