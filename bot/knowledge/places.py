"""Places from `content/places.toml`: the cities other than the community's own."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from bot.content.loader import Problem, read_toml

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
    raw, problems = read_toml(path, _PlacesFile, "other_cities", "expected a list of cities")
    return (raw.other_cities if raw is not None else []), problems
