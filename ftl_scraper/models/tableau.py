"""The output contract of one direct-elimination tableau: its trees, rounds and bouts as exported.

Every model forbids unknown fields and uses JSON-native types only, like the pools contract.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, NonNegativeInt, PositiveInt

from ftl_scraper.models.common import COUNTRY_PATTERN, FTL_ID_PATTERN, Contract, CrawlError

BoutStatus = Literal["complete", "walkover", "bye", "scheduled", "pending"]


class TableauFencer(Contract):
    """A fencer (or a team) in a bracket slot, with what FTL shows in the tree's first column."""

    name: str = Field(description="'SURNAME Given' as shown; a team's name alone")
    seed: PositiveInt | None = Field(description="The number shown in the first column, carried forward")
    affiliation: str | None = Field(description="Affiliation text as shown, whitespace normalised")
    club: str | None
    division: str | None
    country: str | None = Field(pattern=COUNTRY_PATTERN)


class TableauReferee(Contract):
    role: str = Field(description="FTL's label: 'Ref', 'Video', 'Assist'")
    name: str
    country: str | None = Field(pattern=COUNTRY_PATTERN)


class TableauBout(Contract):
    number: PositiveInt = Field(description="1-based, top to bottom within the round")
    fencer_a: TableauFencer | None = Field(description="Upper slot; null when empty or a bye")
    fencer_b: TableauFencer | None = Field(description="Lower slot; null when empty or a bye")
    winner: Literal["A", "B"] | None = Field(description="Who occupies the next column's slot")
    score_a: NonNegativeInt | None = Field(description="Touches scored by fencer A")
    score_b: NonNegativeInt | None = Field(description="Touches scored by fencer B")
    status: BoutStatus = Field(
        description="complete: winner and scores; walkover: winner, no numeric score; bye: one side "
        "is '- BYE -'; scheduled: both fencers known, time or strip announced; pending: the rest"
    )
    result_label: str | None = Field(description="FTL's text in place of a score, e.g. a withdrawal")
    time: str | None = Field(description="Local time as shown: '4:30 PM'")
    strip: str | None = Field(description="Strip as shown: '25', 'Blue', 'Podium'")
    referees: list[TableauReferee]
    match_id: str | None = Field(pattern=FTL_ID_PATTERN, description="Team events: the relay sheet's ID")


class TableauRound(Contract):
    label: str = Field(description="FTL's column header as shown, e.g. 'Table of 64', 'Semi-Finals'")
    size: PositiveInt = Field(description="Fencer slots in the column (2 x bouts)")
    bouts: list[TableauBout]


class TableauTree(Contract):
    tree_id: str = Field(pattern=FTL_ID_PATTERN, description="FTL's tree guid")
    name: str = Field(description="FTL's tree name, e.g. 'Bronze Medal'")
    tree_number: NonNegativeInt = Field(description="FTL's treeNum")
    rounds: list[TableauRound] = Field(description="Left to right; the winner column is not a round")
    winner: TableauFencer | None = Field(description="Null until the tree's last bout is decided")


class TableauBundle(Contract):
    """One DE tableau: every tree in FTL's treeNum order."""

    event_id: str = Field(pattern=FTL_ID_PATTERN)
    tableau_id: str = Field(pattern=FTL_ID_PATTERN)
    trees: list[TableauTree]
    complete: bool = Field(description="False when some page failed (partial mode)")
    errors: list[CrawlError] = Field(description="What failed; empty when complete")


def tableau_bundle_json_schema() -> dict[str, object]:
    """The JSON Schema of an exported tableau bundle (``schema/tableau-bundle.schema.json``)."""
    return TableauBundle.model_json_schema(mode="serialization")
