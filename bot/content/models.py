"""The shape of contest.toml, validated with pydantic."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

_OFFSET = re.compile(r"^(\d+)([dhm])$")
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60}
_KEY = r"^[a-z0-9][a-z0-9-]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(Strict):
    """A text in both languages; both are required so no member sees an empty answer."""

    zh: Annotated[str, Field(min_length=1)]
    en: Annotated[str, Field(min_length=1)]

    def as_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


class Link(Strict):
    title: Bilingual
    url: HttpUrl


class ContestInfo(Strict):
    key: Annotated[str, Field(pattern=_KEY)]
    timezone: str
    name: Bilingual
    community: Bilingual
    organizers: Bilingual
    links: list[Link] = []
    # The most members a team may have, once announced (unset: the bot says no limit is known).
    team_max_size: Annotated[int, Field(ge=1, le=100)] | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA timezone {value!r}") from None
        return value


class Track(Strict):
    key: Annotated[str, Field(pattern=_KEY)]
    name: Bilingual
    description: Bilingual
    aliases: list[str] = []

    def names(self) -> set[str]:
        """Every spelling a member may type for this track, lower-cased."""
        return {n.casefold() for n in (self.key, self.name.zh, self.name.en, *self.aliases)}


class Skill(Strict):
    """A skill tag members pick for the teammate finder (/lookingfor, /findteam)."""

    key: Annotated[str, Field(pattern=_KEY)]
    name: Bilingual
    aliases: list[str] = []

    def names(self) -> set[str]:
        return {n.casefold() for n in (self.key, self.name.zh, self.name.en, *self.aliases)}


class Prize(Strict):
    key: Annotated[str, Field(pattern=_KEY)]
    name: Bilingual
    per_track: Annotated[int, Field(ge=1)]
    # What sets it apart among prizes ("first" / "一等奖"), for a sentence that counts them: "one
    # first prize, two second prizes". Without it the count follows the name ("Grand Prix (2)").
    kind: Bilingual | None = None


def parse_offset(text: str) -> timedelta:
    """ "7d" → 7 days, "2h" → 2 hours, "30m" → 30 minutes."""
    match = _OFFSET.match(text.strip())
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"{text!r} is not an offset like 7d, 2h or 30m")
    return timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])


class Deadline(Strict):
    key: Annotated[str, Field(pattern=_KEY)]
    title: Bilingual
    at: datetime | None = None  # None: the date is not announced yet
    when: Bilingual | None = None  # what is known when `at` is not, e.g. "May 2024 (expected)"
    remind_before: list[str] = []
    tracks: list[str] = []  # empty: concerns every track

    @field_validator("at", mode="before")
    @classmethod
    def _needs_offset(cls, value: object) -> object:
        if isinstance(value, datetime) and value.tzinfo is None:
            raise ValueError("needs a UTC offset, e.g. 2024-10-24T18:00:00+08:00")
        if isinstance(value, str):
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is None:
                raise ValueError("needs a UTC offset, e.g. 2024-10-24T18:00:00+08:00")
            return parsed
        return value

    @field_validator("remind_before")
    @classmethod
    def _offsets_parse(cls, values: list[str]) -> list[str]:
        for value in values:
            parse_offset(value)
        if len(set(values)) != len(values):
            raise ValueError("lists the same offset twice")
        return values

    @model_validator(mode="after")
    def _time_or_description(self) -> Deadline:
        if self.at is None and self.when is None:
            raise ValueError("give `at` (an ISO time with offset) or `when` (a text in zh and en)")
        return self

    def offsets(self) -> list[timedelta]:
        return sorted((parse_offset(v) for v in self.remind_before), reverse=True)


class Resource(Strict):
    key: Annotated[str, Field(pattern=_KEY)]
    name: Bilingual
    description: Bilingual


class Contest(Strict):
    contest: ContestInfo
    tracks: Annotated[list[Track], Field(min_length=1)]
    prizes: list[Prize] = []
    deadlines: list[Deadline] = []
    resources: list[Resource] = []
    skills: list[Skill] = []

    @model_validator(mode="after")
    def _keys_unique_and_known(self) -> Contest:
        for section in ("tracks", "prizes", "deadlines", "resources", "skills"):
            keys = [item.key for item in getattr(self, section)]
            for index, key in enumerate(keys):
                if key in keys[:index]:
                    raise LocatedError(f"{section}.{index}.key", f"duplicate key {key!r}")
        known_tracks = {track.key for track in self.tracks}
        for index, deadline in enumerate(self.deadlines):
            for track in deadline.tracks:
                if track not in known_tracks:
                    raise LocatedError(
                        f"deadlines.{index}.tracks",
                        f"unknown track {track!r} (known: {', '.join(sorted(known_tracks))})",
                    )
        return self

    def track(self, key: str) -> Track | None:
        return next((t for t in self.tracks if t.key == key), None)

    def skill(self, key: str) -> Skill | None:
        return next((s for s in self.skills if s.key == key), None)

    def find_skill(self, typed: str) -> Skill | None:
        """The skill tag a member meant by its key, name or alias in either language."""
        wanted = typed.strip().casefold()
        return next((s for s in self.skills if wanted in s.names()), None)

    def find_track(self, typed: str) -> Track | None:
        """The track a member meant by a key, name or alias in either language, or by a part
        of one that only one track has ("应用" → AIGC应用创新; "AIGC" → none: all have it)."""
        wanted = typed.strip().casefold()
        exact = next((t for t in self.tracks if wanted in t.names()), None)
        if exact is not None or len(wanted) < 2:
            return exact
        partly = [t for t in self.tracks if any(wanted in name for name in t.names())]
        return partly[0] if len(partly) == 1 else None


class LocatedError(ValueError):
    """A cross-field problem that knows which field it concerns (for `content check`)."""

    def __init__(self, location: str, message: str) -> None:
        super().__init__(message)
        self.location = location
