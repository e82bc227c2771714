"""Run the real spiders in-process (pytest-twisted's asyncio reactor) and keep what they did."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import AsyncCrawlerRunner, Crawler
from scrapy.settings import Settings

from ftl_scraper.run.outcome import CrawlOutcome, crawl_outcome
from ftl_scraper.spiders.pools import PoolsSpider
from ftl_scraper.spiders.tableau import TableauSpider


@dataclass
class CrawlRun:
    crawler: Crawler
    items: list[Any] = field(default_factory=list)

    def collect(self, item: Any) -> None:
        # a bound method: Scrapy holds signal receivers weakly, a closure would be collected
        self.items.append(item)

    @property
    def outcome(self) -> CrawlOutcome:
        return crawl_outcome(self.crawler)

    @property
    def bundle(self) -> dict[str, Any]:
        [bundle] = self.items
        return bundle

    @property
    def stats(self) -> dict[str, Any]:
        return self.crawler.stats.get_stats()


def project_settings(**overrides: Any) -> Settings:
    settings = Settings()
    settings.setmodule("ftl_scraper.settings", priority="project")
    settings.update(overrides, priority="cmdline")
    return settings


async def crawl_pools(settings: Settings, **spider_arguments: Any) -> CrawlRun:
    """One whole crawl; returns once the spider has closed."""
    return await crawl_spider(PoolsSpider, settings, **spider_arguments)


async def crawl_tableau(settings: Settings, **spider_arguments: Any) -> CrawlRun:
    """One whole `tableau` crawl; returns once the spider has closed."""
    return await crawl_spider(TableauSpider, settings, **spider_arguments)


async def crawl_spider(spider_class: type[Spider], settings: Settings, **spider_arguments: Any) -> CrawlRun:
    """One whole crawl of any of the project's spiders; returns once the spider has closed."""
    runner = AsyncCrawlerRunner(settings)
    crawler = runner.create_crawler(spider_class)
    run = CrawlRun(crawler)
    crawler.signals.connect(run.collect, signal=signals.item_scraped)
    await runner.crawl(crawler, **spider_arguments)
    return run
