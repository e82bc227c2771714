"""The output contracts: pydantic models of what the crawls export, one module per bundle kind."""

from ftl_scraper.models.changes import PoolsChangeLine, changes_json_schema
from ftl_scraper.models.common import Contract, CrawlError
from ftl_scraper.models.event import (
    EventBundle,
    FinalResult,
    TournamentEvent,
    event_json_schema,
    tournament_event_json_schema,
)
from ftl_scraper.models.event_changes import EventChangeLine, event_changes_json_schema
from ftl_scraper.models.pools import (
    Pool,
    PoolBout,
    PoolFencer,
    PoolResult,
    PoolResults,
    PoolsBundle,
    Referee,
    bundle_json_schema,
)
from ftl_scraper.models.tableau import (
    TableauBout,
    TableauBundle,
    TableauFencer,
    TableauReferee,
    TableauRound,
    TableauTree,
    tableau_bundle_json_schema,
)
from ftl_scraper.models.tableau_changes import TableauChangeLine, tableau_changes_json_schema

__all__ = [
    "Contract",
    "CrawlError",
    "EventBundle",
    "EventChangeLine",
    "FinalResult",
    "Pool",
    "PoolBout",
    "PoolFencer",
    "PoolResult",
    "PoolResults",
    "PoolsBundle",
    "PoolsChangeLine",
    "Referee",
    "TableauBout",
    "TableauBundle",
    "TableauChangeLine",
    "TableauFencer",
    "TableauReferee",
    "TableauRound",
    "TableauTree",
    "TournamentEvent",
    "bundle_json_schema",
    "changes_json_schema",
    "event_changes_json_schema",
    "event_json_schema",
    "tableau_bundle_json_schema",
    "tableau_changes_json_schema",
    "tournament_event_json_schema",
]
