"""Places from `content/places.toml`: the cities other than the community's own."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.content.loader import Problem

PLACES_FILE = "places.toml"
# In an intent's `only_with`: any of the other cities.
OTHER_CITY = "{other city}"


class _PlacesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    other_cities: list[str] = []


def load_other_cities(content_dir: Path) -> tuple[list[str], list[Problem]]:
    path = content_dir / PLACES_FILE
    if not path.exists():
        return [], []
    try:
        raw = _PlacesFile.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError, UnicodeDecodeError) as error:
        return [], [Problem(path, None, "other_cities", f"expected a list of cities: {error}")]
    return raw.other_cities, []
