"""The output contract of a watch: one JSON line per change seen in a pool round between two polls.

Field names follow the bundle's models (``models/pools.py``); ``changes.schema.json`` is generated here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, NonNegativeInt, PositiveInt, TypeAdapter

from ftl_scraper.models.common import FTL_ID_PATTERN, Contract
from ftl_scraper.models.pools import Pool, PoolsBundle


class ChangeLine(Contract):
    """What every change line carries: its kind and when the watch saw it."""

    # each kind narrows it to its own name; declared here so that it comes first in every line
    type: str
    at: AwareDatetime = Field(description="When the change was detected (UTC, ISO 8601)")
    event_id: str = Field(pattern=FTL_ID_PATTERN)


class PoolRoundChange(ChangeLine):
    pool_round_id: str = Field(pattern=FTL_ID_PATTERN)


class PoolChange(PoolRoundChange):
    pool_id: str = Field(pattern=FTL_ID_PATTERN)
    pool_number: PositiveInt


class Snapshot(PoolRoundChange):
    """The first line of every watch: the whole round as the first poll found it."""

    type: Literal["snapshot"] = "snapshot"
    bundle: PoolsBundle


class PoolStripAssigned(PoolChange):
    """A pool's strip or start time appeared or changed (either may be null)."""

    type: Literal["pool_strip_assigned"] = "pool_strip_assigned"
    strip: str | None
    start_time: str | None


class BoutScore(Contract):
    score_a: NonNegativeInt | None
    score_b: NonNegativeInt | None
    winner: Literal["A", "B"] | None


class PoolBoutChange(PoolChange):
    position_a: PositiveInt
    position_b: PositiveInt
    fencer_a: str
    fencer_b: str
    score_a: NonNegativeInt | None
    score_b: NonNegativeInt | None
    winner: Literal["A", "B"] | None


class BoutScored(PoolBoutChange):
    """A bout that was pending now has a score."""

    type: Literal["bout_scored"] = "bout_scored"


class BoutCorrected(PoolBoutChange):
    """A scored bout's score or winner changed (null scores: FTL erased the score)."""

    type: Literal["bout_corrected"] = "bout_corrected"
    previous: BoutScore = Field(description="The score and winner before the correction")


class FencerWithdrawn(PoolChange):
    """A fencer left the pool; FTL annuls their bouts (no bout line is written for those)."""

    type: Literal["fencer_withdrawn"] = "fencer_withdrawn"
    position: PositiveInt
    name: str
    status_label: str | None = Field(description="FTL's label, e.g. 'Medical Withdrawal'")


class PoolFinished(PoolChange):
    """Every bout of the pool is scored (or annulled)."""

    type: Literal["pool_finished"] = "pool_finished"


class PoolAdded(PoolChange):
    """The pools page lists a pool it did not list before."""

    type: Literal["pool_added"] = "pool_added"
    pool: Pool


class PoolRemoved(PoolChange):
    """The pools page no longer lists this pool."""

    type: Literal["pool_removed"] = "pool_removed"


class RoundFinished(PoolRoundChange):
    """Every pool of the round is finished."""

    type: Literal["round_finished"] = "round_finished"
    pool_count: NonNegativeInt


class PublishedResult(Contract):
    fencer_id: str = Field(pattern=FTL_ID_PATTERN)
    name: str
    place: PositiveInt
    status: Literal["advanced", "eliminated", "unknown"]


class ResultsPublished(PoolRoundChange):
    """The results JSON shows who advanced: every ranked fencer with their status."""

    type: Literal["results_published"] = "results_published"
    fencers: list[PublishedResult]


class SourceUnavailable(PoolRoundChange):
    """FTL stopped answering (the circuit breaker tripped): polling pauses, then tries again."""

    type: Literal["source_unavailable"] = "source_unavailable"
    message: str


class SourceRecovered(PoolRoundChange):
    """FTL answers again after a ``source_unavailable``."""

    type: Literal["source_recovered"] = "source_recovered"
    unavailable_since: datetime = Field(description="The ``at`` of the matching source_unavailable")


PoolsChangeLine = Annotated[
    Snapshot
    | PoolStripAssigned
    | BoutScored
    | BoutCorrected
    | FencerWithdrawn
    | PoolFinished
    | PoolAdded
    | PoolRemoved
    | RoundFinished
    | ResultsPublished
    | SourceUnavailable
    | SourceRecovered,
    Field(discriminator="type"),
]

POOLS_CHANGE_LINE: TypeAdapter[PoolsChangeLine] = TypeAdapter(PoolsChangeLine)


def changes_json_schema() -> dict[str, object]:
    """The JSON Schema of one line of a pools watch (what ``schema/changes.schema.json`` holds)."""
    schema = POOLS_CHANGE_LINE.json_schema(mode="serialization")
    schema["title"] = "PoolsChangeLine"
    return schema
