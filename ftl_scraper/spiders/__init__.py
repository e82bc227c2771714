"""The project's spiders: one per thing a user asks FTL for."""

from ftl_scraper.spiders.event import EventSpider
from ftl_scraper.spiders.pools import PoolsSpider
from ftl_scraper.spiders.tableau import TableauSpider
from ftl_scraper.spiders.tournament import TournamentSpider

__all__ = ["EventSpider", "PoolsSpider", "TableauSpider", "TournamentSpider"]
