"""The project's spiders: one per thing a user asks FTL for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ftl_scraper.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from ftl_scraper.spiders.event import EventSpider
    from ftl_scraper.spiders.pools import PoolsSpider
    from ftl_scraper.spiders.tableau import TableauSpider
    from ftl_scraper.spiders.tournament import TournamentSpider

__all__ = ["EventSpider", "PoolsSpider", "TableauSpider", "TournamentSpider"]

_HOMES = {
    "EventSpider": "ftl_scraper.spiders.event",
    "PoolsSpider": "ftl_scraper.spiders.pools",
    "TableauSpider": "ftl_scraper.spiders.tableau",
    "TournamentSpider": "ftl_scraper.spiders.tournament",
}
__getattr__ = lazy_exports(__name__, _HOMES)
