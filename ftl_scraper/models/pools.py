"""The output contract: pydantic models of one pool round as the crawl exports it.

Every model forbids unknown fields and uses JSON-native types only, so a bundle
dumps with ``model_dump(mode="json")`` and validates against the shipped schema.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, NonNegativeInt, PositiveInt

from ftl_scraper.models.common import COUNTRY_PATTERN, FTL_ID_PATTERN, Contract, CrawlError


class Referee(Contract):
    name: str
    affiliation: str | None = Field(description="Affiliation text as shown, whitespace normalised")
    country: str | None = Field(pattern=COUNTRY_PATTERN)


class PoolFencer(Contract):
    position: PositiveInt
    name: str = Field(description="Full name as FTL shows it, e.g. 'SURNAME Given'")
    affiliation: str | None = Field(description="Affiliation text as shown, whitespace normalised")
    club: str | None
    division: str | None
    country: str | None = Field(pattern=COUNTRY_PATTERN)
    status: Literal["active", "withdrawn"]
    status_label: str | None = Field(description="FTL's label, e.g. 'Medical Withdrawal'")
    victories: NonNegativeInt | None
    victory_ratio: float | None = Field(ge=0, le=1)
    touches_scored: NonNegativeInt | None
    touches_received: NonNegativeInt | None
    indicator: int | None


class PoolBout(Contract):
    position_a: PositiveInt
    position_b: PositiveInt
    fencer_a: str
    fencer_b: str
    score_a: NonNegativeInt | None = Field(description="Touches scored by fencer A")
    score_b: NonNegativeInt | None = Field(description="Touches scored by fencer B")
    winner: Literal["A", "B"] | None
    status: Literal["complete", "pending", "annulled"]


class Pool(Contract):
    pool_id: str = Field(pattern=FTL_ID_PATTERN)
    pool_number: PositiveInt
    strip: str | None = Field(description="Strip as shown: '5', 'A5'")
    start_time: str | None = Field(description="Local start time as shown: '9:00 AM'")
    fencers: list[PoolFencer]
    bouts: list[PoolBout]
    referees: list[Referee]


class PoolResult(Contract):
    fencer_id: str = Field(pattern=FTL_ID_PATTERN)
    name: str
    club_primary: str | None
    club_secondary: str | None
    division: str | None
    country: str | None
    place: PositiveInt
    tie: bool
    victories: NonNegativeInt
    matches: NonNegativeInt
    victory_ratio: float = Field(ge=0, le=1)
    touches_scored: NonNegativeInt
    touches_received: NonNegativeInt
    indicator: int
    prediction_raw: str | None = Field(description="FTL's 'prediction' value, unchanged")
    status: Literal["advanced", "eliminated", "unknown"]


class PoolResults(Contract):
    event_id: str = Field(pattern=FTL_ID_PATTERN)
    pool_round_id: str = Field(pattern=FTL_ID_PATTERN)
    fencers: list[PoolResult]


class PoolsBundle(Contract):
    """One pool round: every pool in page order plus the round's ranking."""

    event_id: str = Field(pattern=FTL_ID_PATTERN)
    pool_round_id: str = Field(pattern=FTL_ID_PATTERN)
    round_number: PositiveInt | None = Field(
        None, description="1, 2, ... in the event's tab order; null when the round is crawled alone"
    )
    pool_ids: list[str]
    pools: list[Pool]
    results: PoolResults | None = Field(description="Null only in a partial bundle")
    complete: bool = Field(description="False when some page failed (partial mode)")
    errors: list[CrawlError] = Field(description="What failed; empty when complete")


def bundle_json_schema() -> dict[str, object]:
    """The JSON Schema of an exported bundle (what ``schema/bundle.schema.json`` holds)."""
    return PoolsBundle.model_json_schema(mode="serialization")
