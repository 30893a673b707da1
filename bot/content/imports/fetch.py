"""Read a document to import from a file or from a web address."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

from bot.content.imports.extract import ImportRefused
from bot.i18n import N_

TIMEOUT_SECONDS = 30
CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class Source:
    name: str  # the file name, or the address it came from
    data: bytes
    media_type: str | None = None


def is_address(location: str) -> bool:
    return urlsplit(location).scheme in {"http", "https"}


def read_file(path: Path, max_bytes: int) -> Source:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise too_big(size, max_bytes)
        return Source(path.name, path.read_bytes())
    except OSError as error:
        raise ImportRefused(
            N_("{name} cannot be read ({error})."), name=path.name, error=error.strerror
        ) from None


async def download(address: str, max_bytes: int) -> Source:
    """The page or file at `address`, read no further than the size limit."""
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(address, headers={"User-Agent": "community-bot importer"}) as response,
        ):
            if response.status != 200:
                raise ImportRefused(
                    N_("{address} answered with HTTP {status}."),
                    address=address,
                    status=response.status,
                )
            if response.content_length and response.content_length > max_bytes:
                raise too_big(response.content_length, max_bytes)
            data = bytearray()
            async for chunk in response.content.iter_chunked(CHUNK):
                data += chunk
                if len(data) > max_bytes:
                    raise too_big(len(data), max_bytes)
            return Source(address, bytes(data), response.headers.get("Content-Type"))
    except (aiohttp.ClientError, TimeoutError) as error:
        raise ImportRefused(
            N_("{address} cannot be read ({error})."),
            address=address,
            error=type(error).__name__,
        ) from None


def too_big(size: int, max_bytes: int) -> ImportRefused:
    """The refusal of a file above the import limit (`size` as far as it is known)."""
    return ImportRefused(
        N_("The file is {size} MB; the limit is {limit} MB."),
        size=megabytes(size),
        limit=megabytes(max_bytes),
    )


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.3g}"  # 20, 0.02, 12.3
