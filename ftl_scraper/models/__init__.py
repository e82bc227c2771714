"""The output contracts: pydantic models of what the crawls export, one module per bundle kind."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ftl_scraper.lazy_exports import lazy_exports

if TYPE_CHECKING:
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

_HOMES = {
    "PoolsChangeLine": "ftl_scraper.models.changes",
    "changes_json_schema": "ftl_scraper.models.changes",
    "Contract": "ftl_scraper.models.common",
    "CrawlError": "ftl_scraper.models.common",
    "EventBundle": "ftl_scraper.models.event",
    "FinalResult": "ftl_scraper.models.event",
    "TournamentEvent": "ftl_scraper.models.event",
    "event_json_schema": "ftl_scraper.models.event",
    "tournament_event_json_schema": "ftl_scraper.models.event",
    "EventChangeLine": "ftl_scraper.models.event_changes",
    "event_changes_json_schema": "ftl_scraper.models.event_changes",
    "Pool": "ftl_scraper.models.pools",
    "PoolBout": "ftl_scraper.models.pools",
    "PoolFencer": "ftl_scraper.models.pools",
    "PoolResult": "ftl_scraper.models.pools",
    "PoolResults": "ftl_scraper.models.pools",
    "PoolsBundle": "ftl_scraper.models.pools",
    "Referee": "ftl_scraper.models.pools",
    "bundle_json_schema": "ftl_scraper.models.pools",
    "TableauBout": "ftl_scraper.models.tableau",
    "TableauBundle": "ftl_scraper.models.tableau",
    "TableauFencer": "ftl_scraper.models.tableau",
    "TableauReferee": "ftl_scraper.models.tableau",
    "TableauRound": "ftl_scraper.models.tableau",
    "TableauTree": "ftl_scraper.models.tableau",
    "tableau_bundle_json_schema": "ftl_scraper.models.tableau",
    "TableauChangeLine": "ftl_scraper.models.tableau_changes",
    "tableau_changes_json_schema": "ftl_scraper.models.tableau_changes",
}
__getattr__ = lazy_exports(__name__, _HOMES)
