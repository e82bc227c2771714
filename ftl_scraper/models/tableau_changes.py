"""The output contract of a tableau watch: one JSON line per change seen in a DE tableau between two polls.

Field names follow the tableau's models (``models/tableau.py``); ``tableau-changes.schema.json`` is
generated here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, NonNegativeInt, PositiveInt, TypeAdapter

from ftl_scraper.models.changes import ChangeLine
from ftl_scraper.models.common import FTL_ID_PATTERN
from ftl_scraper.models.tableau import BoutStatus, TableauBundle, TableauFencer


class TableauChange(ChangeLine):
    tableau_id: str = Field(pattern=FTL_ID_PATTERN)


class TreeChange(TableauChange):
    tree_id: str = Field(pattern=FTL_ID_PATTERN)
    tree_name: str = Field(description="FTL's tree name, e.g. 'Bronze Medal'")


class DeBoutChange(TreeChange):
    round_label: str = Field(description="The round's column header, e.g. 'Table of 64', 'Semi-Finals'")
    number: PositiveInt = Field(description="The bout's number, 1-based, top to bottom within its round")
    fencer_a: TableauFencer | None
    fencer_b: TableauFencer | None


class TableauSnapshot(TableauChange):
    """The first line of every tableau watch: the whole tableau as the first poll found it."""

    type: Literal["snapshot"] = "snapshot"
    bundle: TableauBundle


class DeBoutScheduled(DeBoutChange):
    """A bout still to be fenced got its time or strip, or they changed."""

    type: Literal["de_bout_scheduled"] = "de_bout_scheduled"
    time: str | None
    strip: str | None


class DeBoutScored(DeBoutChange):
    """A bout was decided (complete or walkover), or its decided outcome changed."""

    type: Literal["de_bout_scored"] = "de_bout_scored"
    score_a: NonNegativeInt | None
    score_b: NonNegativeInt | None
    winner: Literal["A", "B"]
    status: BoutStatus
    result_label: str | None = Field(description="FTL's text in place of a score, e.g. a withdrawal")


class TreeFinished(TreeChange):
    """The tree's last bout is decided: its winner is known."""

    type: Literal["tree_finished"] = "tree_finished"
    winner: TableauFencer


class TableauSourceUnavailable(TableauChange):
    """FTL stopped answering (the circuit breaker tripped): polling pauses, then tries again."""

    type: Literal["source_unavailable"] = "source_unavailable"
    message: str


class TableauSourceRecovered(TableauChange):
    """FTL answers again after a ``source_unavailable``."""

    type: Literal["source_recovered"] = "source_recovered"
    unavailable_since: datetime = Field(description="The ``at`` of the matching source_unavailable")


TableauChangeLine = Annotated[
    TableauSnapshot
    | DeBoutScheduled
    | DeBoutScored
    | TreeFinished
    | TableauSourceUnavailable
    | TableauSourceRecovered,
    Field(discriminator="type"),
]

TABLEAU_CHANGE_LINE: TypeAdapter[TableauChangeLine] = TypeAdapter(TableauChangeLine)


def tableau_changes_json_schema() -> dict[str, object]:
    """The JSON Schema of one line of a tableau watch (``schema/tableau-changes.schema.json``)."""
    schema = TABLEAU_CHANGE_LINE.json_schema(mode="serialization")
    schema["title"] = "TableauChangeLine"
    return schema
