"""The output contracts: pydantic models of what the crawls export, one module per bundle kind."""

from ftl_scraper.models.common import Contract, CrawlError
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

__all__ = [
    "Contract",
    "CrawlError",
    "Pool",
    "PoolBout",
    "PoolFencer",
    "PoolResult",
    "PoolResults",
    "PoolsBundle",
    "Referee",
    "TableauBout",
    "TableauBundle",
    "TableauFencer",
    "TableauReferee",
    "TableauRound",
    "TableauTree",
    "bundle_json_schema",
    "tableau_bundle_json_schema",
]
