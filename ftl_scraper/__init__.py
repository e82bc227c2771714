"""ftl_scraper: FencingTimeLive results as clean, validated JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ftl_scraper.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from ftl_scraper.addon import FtlAddon
    from ftl_scraper.errors import FtlError
    from ftl_scraper.models import EventBundle, PoolsBundle, TableauBundle, TournamentEvent
    from ftl_scraper.run.api import (
        fetch_event_bundle,
        fetch_pools_bundle,
        fetch_tableau_bundle,
        fetch_tournament,
    )
    from ftl_scraper.run.client import AsyncFtlClient, FtlClient

__all__ = [
    "AsyncFtlClient",
    "EventBundle",
    "FtlAddon",
    "FtlClient",
    "FtlError",
    "PoolsBundle",
    "TableauBundle",
    "TournamentEvent",
    "fetch_event_bundle",
    "fetch_pools_bundle",
    "fetch_tableau_bundle",
    "fetch_tournament",
]
__version__ = "0.1.0"

# Imported on first use, so `import ftl_scraper` (and every `scrapy` command that loads the
# settings module) does not pay for Scrapy, pydantic and the parsers up front.
_PUBLIC_NAMES = {
    "FtlAddon": "ftl_scraper.addon",
    "FtlError": "ftl_scraper.errors",
    "PoolsBundle": "ftl_scraper.models",
    "fetch_pools_bundle": "ftl_scraper.run.api",
    "EventBundle": "ftl_scraper.models",
    "TournamentEvent": "ftl_scraper.models",
    "fetch_event_bundle": "ftl_scraper.run.api",
    "fetch_tournament": "ftl_scraper.run.api",
    "TableauBundle": "ftl_scraper.models",
    "fetch_tableau_bundle": "ftl_scraper.run.api",
    "FtlClient": "ftl_scraper.run.client",
    "AsyncFtlClient": "ftl_scraper.run.client",
}


__getattr__ = lazy_exports(__name__, _PUBLIC_NAMES)
