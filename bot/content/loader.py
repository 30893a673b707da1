"""Load contest.toml into `Contest`, or report each problem with file, line, field and reason."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from bot.content.models import Contest, LocatedError

CONTEST_FILE = "contest.toml"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in the content, precise enough for an organizer to fix it."""

    file: Path
    line: int | None
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.reason}"


FileModel = TypeVar("FileModel", bound=BaseModel)


def read_toml(
    path: Path, model: type[FileModel], field: str, expected: str = ""
) -> tuple[FileModel | None, list[Problem]]:
    """One of the content's TOML files as its model; or None and the problem that stops it (it
    cannot be read, is not TOML, or does not fit: `expected` says what should be there)."""
    try:
        return model.model_validate(tomllib.loads(path.read_text(encoding="utf-8"))), []
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError) as error:
        reason = f"{expected}: {error}" if expected else str(error)
        return None, [Problem(path, None, field, reason)]


class ContentError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def load_contest(content_dir: Path) -> Contest:
    """Read and validate `content_dir/contest.toml`; raise ContentError listing every problem."""
    path = content_dir / CONTEST_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ContentError([Problem(path, None, "", f"cannot read: {error}")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # Python 3.11's error carries the position only in its message.
        position = re.search(r"\(at line (\d+), column \d+\)", str(error))
        line = int(position.group(1)) if position else None
        reason = str(error).replace(position.group(0), "").strip() if position else str(error)
        raise ContentError([Problem(path, line, "", f"not valid TOML: {reason}")]) from None
    try:
        return Contest.model_validate(data)
    except ValidationError as error:
        raise ContentError(_problems_from(error, path, text)) from None


def _problems_from(error: ValidationError, path: Path, text: str) -> list[Problem]:
    problems = []
    for item in error.errors():
        location = tuple(item["loc"])
        cause = (item.get("ctx") or {}).get("error")
        if isinstance(cause, LocatedError):
            location = tuple(int(p) if p.isdigit() else p for p in cause.location.split("."))
        field = _dotted(location)
        reason = str(item["msg"]).removeprefix("Value error, ")
        problems.append(Problem(path, find_line(text, location), field, reason))
    return problems


def _dotted(location: tuple[object, ...]) -> str:
    parts: list[str] = []
    for part in location:
        if isinstance(part, int):
            parts[-1] = f"{parts[-1]}[{part}]" if parts else f"[{part}]"
        else:
            parts.append(str(part))
    return ".".join(parts)


def find_line(text: str, location: tuple[object, ...]) -> int | None:
    """Best-effort line number of a field like ("deadlines", 1, "at") in TOML text.

    tomllib keeps no positions, so walk the text: find the N-th `[[deadlines]]` table, then the
    first `at =` key inside it. Falls back to the table's own line, then to None.
    """
    lines = text.splitlines()
    start, end = 0, len(lines)
    found: int | None = None
    index = 0
    while index < len(location):
        part = location[index]
        following = location[index + 1] if index + 1 < len(location) else None
        if isinstance(part, str) and isinstance(following, int):
            header = re.compile(rf"^\s*\[\[\s*{re.escape(part)}\s*\]\]")
            hits = [n for n in range(start, end) if header.match(lines[n])]
            if following >= len(hits):
                return found
            start = hits[following]
            found = start + 1
            nxt = next((n for n in range(start + 1, end) if re.match(r"^\s*\[", lines[n])), end)
            start, end = start + 1, nxt
            index += 2
            continue
        if isinstance(part, str):
            table = re.compile(rf"^\s*\[\s*{re.escape(part)}\s*\]")
            key = re.compile(rf"^\s*{re.escape(part)}\s*=")
            hit = next((n for n in range(start, end) if key.match(lines[n])), None)
            if hit is None:
                hit = next((n for n in range(start, end) if table.match(lines[n])), None)
                if hit is not None:
                    nxt = next(
                        (n for n in range(hit + 1, len(lines)) if re.match(r"^\s*\[", lines[n])),
                        len(lines),
                    )
                    start, end = hit + 1, nxt
                    found = hit + 1
                    index += 1
                    continue
                return found
            found = hit + 1
            start, end = hit, hit + 1
        index += 1
    return found
