"""The base every file model shares, and the models of `cxokr.yaml`.

`cxokr.model` re-exports every name here, so `from cxokr.model import Config`
reads as before; the split keeps each module short. The base types (slugs,
period IDs, non-empty text) live here because cxokr.yaml needs them first.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from cxokr.model_fields import Day, level_keys

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
PERIOD_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
PeriodId = Annotated[str, StringConstraints(pattern=PERIOD_PATTERN)]
Text = Annotated[str, StringConstraints(min_length=1)]

SLUG_RE = re.compile(SLUG_PATTERN)


def is_slug(value: str) -> bool:
    return SLUG_RE.match(value) is not None


class FileModel(BaseModel):
    """The base of every file model: frozen, no unknown keys, numbers given as text read as text."""

    # defer_build: a model's validator is built when it first validates. A warm run
    # takes every file from the cache and validates nothing, so it never pays for them.
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        coerce_numbers_to_str=True,
        str_strip_whitespace=False,
        defer_build=True,
    )


class Period(FileModel):
    """A named span of time that OKRs, check-ins and reports belong to."""

    id: PeriodId
    start: Day
    end: Day
    closed: Day | None = None  # the day `cxokr period close` recorded its grades


class Thresholds(FileModel):
    """Pace thresholds: pace at or above `on_track` is on track, at or above `at_risk` at risk."""

    on_track: Annotated[float, Field(strict=True, gt=0, allow_inf_nan=False)] = 0.9
    at_risk: Annotated[float, Field(strict=True, ge=0, allow_inf_nan=False)] = 0.6

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.at_risk > self.on_track:
            raise ValueError("at_risk must not be above on_track")
        return self


DEFAULT_LEVELS = {1: "Executive", 2: "CX leadership", 3: "CX management", 4: "Operations"}

# How `cxokr notify --remind` may mention a person: `@name` (Mattermost, Rocket.Chat, ...) or
# Slack's user mention `<@U123ABC>`; never a mention of everyone (`<!channel>`, `@here`).
HANDLE_RE = re.compile(r"@[A-Za-z0-9][A-Za-z0-9._-]{0,79}|<@[UW][A-Z0-9]{2,20}>")
EVERYONE = frozenset({"@all", "@channel", "@everyone", "@here"})
OwnerName = Annotated[
    str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")
]


def _handle(value: str) -> str:
    if not HANDLE_RE.fullmatch(value):
        raise PydanticCustomError(
            "chat_handle",
            "a chat handle is @name (letters, digits, '.', '_' or '-') or a Slack user "
            "mention <@U123ABC>",
        )
    if value.casefold() in EVERYONE:
        raise PydanticCustomError(
            "chat_handle", "{handle} mentions everyone, not one person", {"handle": value}
        )
    return value


Handle = Annotated[
    str,
    AfterValidator(_handle),
    Field(json_schema_extra={"pattern": f"^({HANDLE_RE.pattern})$"}),
]


class Chat(FileModel):
    """cxokr.yaml `chat`: how `cxokr notify --remind` mentions the owners it reminds."""

    handles: dict[OwnerName, Handle] = Field(default_factory=dict)


class Connection(FileModel):
    """cxokr.yaml `connections.NAME`: where a metric's `sync` query runs.

    `url` is `env:VARNAME` (the whole URL read from that variable when sync runs),
    `duckdb:` (DuckDB in memory), `duckdb:PATH.duckdb` (a DuckDB file in the
    workspace) or a SQLAlchemy URL without a password. The model takes any
    non-empty text; `check` (rules/sources) says which forms are wrong and why.
    """

    url: Text


class Config(FileModel):
    """cxokr.yaml: the organization, its periods, level names and status thresholds."""

    organization: Text
    periods: list[Period] = Field(min_length=1)
    levels: dict[Annotated[int, Field(strict=True, ge=1, le=4)], Text] = Field(
        default_factory=lambda: dict(DEFAULT_LEVELS)
    )
    status: Thresholds = Field(default_factory=Thresholds)
    stale_after_days: Annotated[int, Field(strict=True, ge=1)] = 14
    chat: Chat = Field(default_factory=Chat)
    connections: dict[Slug, Connection] = Field(default_factory=dict)

    _levels = field_validator("levels", mode="before")(level_keys)
