"""The project's spiders: one per thing a user asks FTL for."""

from ftl_scraper.spiders.pools import PoolsSpider
from ftl_scraper.spiders.tableau import TableauSpider

__all__ = ["PoolsSpider", "TableauSpider"]
