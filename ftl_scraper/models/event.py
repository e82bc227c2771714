"""The output contract of an event (all its pool rounds, tableaus, final results) and of a
tournament crawl, which exports one such event per item with its schedule line."""

from __future__ import annotations

from pydantic import Field, PositiveInt

from ftl_scraper.models.common import FTL_ID_PATTERN, Contract, CrawlError
from ftl_scraper.models.pools import PoolsBundle
from ftl_scraper.models.tableau import TableauBundle


class FinalResult(Contract):
    """One row of ``/events/results/data/{event}``, in FTL's order."""

    fencer_id: str = Field(description="FTL's entry ID in this event (row 'id')")
    name: str
    place: PositiveInt | None = Field(description="The place as a number; null when FTL sent none")
    place_label: str | None = Field(description="FTL's place as sent: '1', '3T', '', or null")
    tie: bool = Field(description="True when the place ends in 'T'")
    excluded: bool | None = Field(description="FTL's 'excluded' flag, unchanged; null when absent")
    country: str | None
    club_primary: str | None = Field(description="FTL's 'club1'; null where FTL sends no key")
    club_secondary: str | None = Field(description="FTL's 'club2'; null where FTL sends no key")
    division: str | None = Field(description="FTL's 'div'; null where FTL sends no key")


class EventBundle(Contract):
    """One event: every pool round and tableau in tab order, and its final results."""

    event_id: str = Field(pattern=FTL_ID_PATTERN)
    tournament_id: str | None = Field(
        pattern=FTL_ID_PATTERN, description="From the event page's Schedule tab; null if absent"
    )
    tournament_name: str | None = Field(description="Whitespace normalised")
    event_name: str | None = Field(description="Whitespace normalised")
    event_time: str | None = Field(description="FTL's text as shown, e.g. 'Saturday, March 29, 2025 9:00 AM'")
    pool_rounds: list[PoolsBundle] = Field(description="In the event's tab order, round_number 1, 2, ...")
    tableau_ids: list[str] = Field(description="DE round IDs in the event's tab order")
    tableaus: list[TableauBundle] = Field(description="The DE rounds' brackets, in the order of tableau_ids")
    final_results: list[FinalResult] | None = Field(description="Null until FTL publishes them")
    complete: bool = Field(description="False when some page of the event failed")
    errors: list[CrawlError] = Field(
        description="Every page of the event that failed, its rounds' and tableaus' included"
    )


class TournamentEvent(EventBundle):
    """One exported item of a tournament crawl: an event and the schedule line it is listed on."""

    schedule_day: str | None = Field(description="The schedule's day heading above the event, as shown")
    schedule_status: str | None = Field(description="The schedule's status text, whitespace normalised")


def event_json_schema() -> dict[str, object]:
    """The JSON Schema of an exported event (what ``schema/event.schema.json`` holds)."""
    return EventBundle.model_json_schema(mode="serialization")


def tournament_event_json_schema() -> dict[str, object]:
    """The JSON Schema of one item of a tournament crawl (``schema/tournament_event.schema.json``)."""
    return TournamentEvent.model_json_schema(mode="serialization")
