"""The import steps shared by /import in chat and the dashboard: plan a document against the
configured content, and keep it between the preview and the organizer's confirmation.

A document waits in the cache folder under its hash, so the confirmation imports exactly what
was previewed, checked again against the content as it is then."""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.config import Settings
from bot.content.imports.fetch import Source
from bot.content.imports.plan import ImportPlan, plan_import

PENDING_DIR = "imports"
KEY_LENGTH = 20


def max_bytes(settings: Settings) -> int:
    return int(settings.import_max_megabytes * 1_000_000)


async def plan_source(
    settings: Settings, source: Source, today: date, doc: str | None = None
) -> ImportPlan:
    """`plan_import` off the event loop (reading a PDF takes a while); `doc` names the
    knowledge file (else it is named after the source)."""
    return await asyncio.to_thread(
        plan_import,
        settings.content_dir,
        source.name,
        source.data,
        media_type=source.media_type,
        max_bytes=max_bytes(settings),
        max_pages=settings.import_max_pages,
        today=today,
        doc=doc,
    )


@dataclass(frozen=True, slots=True)
class PendingImport:
    source: Source
    doc: str | None = None  # the knowledge file's name the organizer chose


def keep(settings: Settings, source: Source, doc: str | None = None) -> str:
    """Store the document until it is confirmed or cancelled; returns its key."""
    key = hashlib.sha256(source.data + (doc or "").encode()).hexdigest()[:KEY_LENGTH]
    folder = settings.cache_dir / PENDING_DIR
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{key}.bin").write_bytes(source.data)
    about = {"name": source.name, "media_type": source.media_type, "doc": doc}
    (folder / f"{key}.json").write_text(json.dumps(about), encoding="utf-8")
    return key


def kept(settings: Settings, key: str) -> PendingImport | None:
    """The document stored under `key`, or None (imported, cancelled, or never kept here)."""
    folder = _folder(settings, key)
    if folder is None:
        return None
    try:
        about = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
        data = (folder / f"{key}.bin").read_bytes()
    except (OSError, ValueError):
        return None
    source = Source(str(about["name"]), data, about.get("media_type"))
    return PendingImport(source, about.get("doc"))


def forget(settings: Settings, key: str) -> None:
    folder = _folder(settings, key)
    if folder is not None:
        for suffix in (".bin", ".json"):
            (folder / f"{key}{suffix}").unlink(missing_ok=True)


def _folder(settings: Settings, key: str) -> Path | None:
    """The pending folder, for a key that can only name a file in it."""
    if len(key) != KEY_LENGTH or not all(c in "0123456789abcdef" for c in key):
        return None
    return settings.cache_dir / PENDING_DIR
