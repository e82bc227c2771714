"""The output contract of an event watch: one JSON line per change seen in a whole event between two polls.

The pool rounds' and tableaus' lines are those of their own watches (``changes.py``,
``tableau_changes.py``); the event adds its own; ``event-changes.schema.json`` is generated here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from ftl_scraper.models.changes import (
    BoutCorrected,
    BoutScored,
    ChangeLine,
    FencerWithdrawn,
    PoolAdded,
    PoolFinished,
    PoolRemoved,
    PoolRoundChange,
    PoolStripAssigned,
    ResultsPublished,
    RoundFinished,
)
from ftl_scraper.models.event import EventBundle, FinalResult
from ftl_scraper.models.pools import PoolsBundle
from ftl_scraper.models.tableau import TableauBundle
from ftl_scraper.models.tableau_changes import DeBoutScheduled, DeBoutScored, TableauChange, TreeFinished


class EventSnapshot(ChangeLine):
    """The first line of every event watch: the whole event as the first poll found it."""

    type: Literal["snapshot"] = "snapshot"
    bundle: EventBundle


class PoolRoundAppeared(PoolRoundChange):
    """The event's tab bar links a pool round it did not link before: the round as first read."""

    type: Literal["pool_round_appeared"] = "pool_round_appeared"
    bundle: PoolsBundle


class TableauAppeared(TableauChange):
    """The event's tab bar links a DE tableau it did not link before: the tableau as first read."""

    type: Literal["tableau_appeared"] = "tableau_appeared"
    bundle: TableauBundle


class FinalResultsPublished(ChangeLine):
    """FTL published the event's final results: every place, as the event bundle has them."""

    type: Literal["final_results_published"] = "final_results_published"
    final_results: list[FinalResult]


class EventSourceUnavailable(ChangeLine):
    """FTL stopped answering (the circuit breaker tripped): polling pauses, then tries again."""

    type: Literal["source_unavailable"] = "source_unavailable"
    message: str


class EventSourceRecovered(ChangeLine):
    """FTL answers again after a ``source_unavailable``."""

    type: Literal["source_recovered"] = "source_recovered"
    unavailable_since: datetime = Field(description="The ``at`` of the matching source_unavailable")


EventChangeLine = Annotated[
    EventSnapshot
    | PoolRoundAppeared
    | TableauAppeared
    | PoolStripAssigned
    | BoutScored
    | BoutCorrected
    | FencerWithdrawn
    | PoolFinished
    | PoolAdded
    | PoolRemoved
    | RoundFinished
    | ResultsPublished
    | DeBoutScheduled
    | DeBoutScored
    | TreeFinished
    | FinalResultsPublished
    | EventSourceUnavailable
    | EventSourceRecovered,
    Field(discriminator="type"),
]

EVENT_CHANGE_LINE: TypeAdapter[EventChangeLine] = TypeAdapter(EventChangeLine)


def event_changes_json_schema() -> dict[str, object]:
    """The JSON Schema of one line of an event watch (``schema/event-changes.schema.json``)."""
    schema = EVENT_CHANGE_LINE.json_schema(mode="serialization")
    schema["title"] = "EventChangeLine"
    return schema
