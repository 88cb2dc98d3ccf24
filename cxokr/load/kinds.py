"""The six kinds of workspace file, in one table.

Each kind says where its files live, what one file (or one line of a log)
validates as, how its bytes are parsed, the largest file read, and its name.
The name is the one `cxokr schema` writes (`team.schema.json`) and the one
the parse cache keys a file's content by, so the same bytes read as two kinds
are two entries. Everything that needs the kinds reads them here: the loader
(`workspace`), the read-ahead (`prefetch`), the cache's format, where a file
of a kind lives (`layout`), the JSON Schemas and the scaffold.

    config    cxokr.yaml                       Config    document   4 MiB
    team      teams/<team>.yaml                Team      document   4 MiB
    metric    metrics/<metric>.yaml            Metric    document   4 MiB
    okrs      okrs/<period>/<team>.yaml        OkrFile   document   4 MiB
    checkins  checkins/<period>/<team>.yaml    Checkin   log       32 MiB
    readings  readings/<metric>.yaml           Reading   log       32 MiB
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, TypeAdapter

from cxokr import yamlio
from cxokr.load import parsing
from cxokr.load.parsing import DocumentOutcome, LogOutcome, Outcome
from cxokr.model import CHECKINS as CHECKIN_LINES
from cxokr.model import READINGS as READING_LINES
from cxokr.model import (
    Checkin,
    CheckinEntry,
    Config,
    Metric,
    OkrFile,
    Reading,
    ReadingEntry,
    Team,
)

CONFIG_FILE = "cxokr.yaml"
SUFFIX = ".yaml"

T = TypeVar("T", bound=Outcome)
M = TypeVar("M", bound=BaseModel)
E = TypeVar("E", Checkin, Reading)
R = TypeVar("R", CheckinEntry, ReadingEntry)


@dataclass(frozen=True, eq=False)
class Kind(ABC, Generic[T]):
    """One kind of file: its name, where its files are, and the largest one read."""

    name: str  # the schema's and the cache's name for it
    folder: str  # "" for cxokr.yaml, the one file at the top
    by_period: bool  # files in one folder a period: okrs/<period>/<team>.yaml
    is_log: ClassVar[bool]
    limit: ClassVar[int]  # bytes

    def path(self, *ids: str) -> str:
        """The file of this kind for its IDs: `(team)`, `(period, team)`, none for config."""
        return "/".join((self.folder, *ids)) + SUFFIX if self.folder else CONFIG_FILE

    @abstractmethod
    def parse(self, raw: bytes) -> T:
        """The outcome of reading `raw` as a file of this kind."""

    @abstractmethod
    def accept(self, found: Outcome | None) -> T | None:
        """`found` when it is an outcome of this kind (as the cache or read-ahead kept it)."""


@dataclass(frozen=True, eq=False)
class DocumentKind(Kind[DocumentOutcome[M]], Generic[M]):
    """A kind of file that holds one YAML document, validated as `model`."""

    model: type[M]
    is_log: ClassVar[bool] = False
    limit: ClassVar[int] = yamlio.MAX_DOCUMENT_BYTES

    def parse(self, raw: bytes) -> DocumentOutcome[M]:
        return parsing.document(raw, self.model)

    def accept(self, found: Outcome | None) -> DocumentOutcome[M] | None:
        if isinstance(found, DocumentOutcome) and (
            found.value is None or type(found.value) is self.model
        ):
            return found
        return None


@dataclass(frozen=True, eq=False)
class LogKind(Kind[LogOutcome[R]], Generic[E, R]):
    """A kind of file that is a log: one entry a line, validated as `model` (`adapter`
    validates a list of them at once) and kept as an `entry` tuple."""

    model: type[E]
    entry: type[R]
    adapter: TypeAdapter[list[E]]
    is_log: ClassVar[bool] = True
    limit: ClassVar[int] = yamlio.MAX_LOG_BYTES

    def parse(self, raw: bytes) -> LogOutcome[R]:
        return parsing.log(raw, self.adapter, self.entry)

    def accept(self, found: Outcome | None) -> LogOutcome[R] | None:
        if isinstance(found, LogOutcome) and found.entries.kind is self.entry:
            return found
        return None


CONFIG = DocumentKind("config", "", False, Config)
TEAM = DocumentKind("team", "teams", False, Team)
METRIC = DocumentKind("metric", "metrics", False, Metric)
OKRS = DocumentKind("okrs", "okrs", True, OkrFile)
CHECKINS = LogKind("checkins", "checkins", True, Checkin, CheckinEntry, CHECKIN_LINES)
READINGS = LogKind("readings", "readings", False, Reading, ReadingEntry, READING_LINES)

# In the order a workspace is loaded, and its problems listed.
KINDS: tuple[DocumentKind[Any] | LogKind[Any, Any], ...] = (
    CONFIG,
    TEAM,
    METRIC,
    OKRS,
    CHECKINS,
    READINGS,
)
BY_NAME: dict[str, DocumentKind[Any] | LogKind[Any, Any]] = {kind.name: kind for kind in KINDS}
