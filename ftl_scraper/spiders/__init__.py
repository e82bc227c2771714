"""The project's spiders: one per thing a user asks FTL for."""

from ftl_scraper.spiders.pools import PoolsSpider

__all__ = ["PoolsSpider"]
