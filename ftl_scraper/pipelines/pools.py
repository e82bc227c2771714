"""Parse each fetched page, validate it, and fold everything into one exported bundle."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Self

from pydantic import ValidationError
from scrapy.exceptions import DropItem

from ftl_scraper.errors import FtlError, ParseError
from ftl_scraper.items import BundleReady, PoolFragmentPage, PoolIdsPage, PoolResultsPage
from ftl_scraper.models import CrawlError, Pool, PoolResults, PoolsBundle
from ftl_scraper.parsers.memo import parse_pool_html_once, parse_pool_results_once

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from ftl_scraper.spiders.pools import PoolsSpider

logger = logging.getLogger(__name__)


class PoolsBundlePipeline:
    """Consumes the spider's raw pages and emits a single ``PoolsBundle`` as a JSON-safe dict.

    Page items are dropped (quietly) once folded in; only the bundle reaches the feed.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.pool_ids: list[str] | None = None
        self.pools: dict[str, Pool] = {}
        self.results: PoolResults | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @property
    def spider(self) -> PoolsSpider:
        return self.crawler.spider  # type: ignore[return-value]

    def process_item(self, item: Any) -> Any:
        if isinstance(item, BundleReady):
            return self._bundle()
        try:
            self._fold_in(item)
        except FtlError as error:
            self.spider.record_error(error)
        raise DropItem("folded into the bundle", log_level="DEBUG")

    def _fold_in(self, item: Any) -> None:
        spider = self.spider
        context = {"event_id": spider.event_id, "pool_round_id": spider.pool_round_id}
        if isinstance(item, PoolIdsPage):
            self.pool_ids = item.pool_ids
        elif isinstance(item, PoolFragmentPage):
            try:
                self.pools[item.pool_id] = parse_pool_html_once(item.html, item.pool_id)
            except FtlError as error:
                raise error.with_context(url=item.url, pool_id=item.pool_id, **context) from None
        elif isinstance(item, PoolResultsPage):
            try:
                self.results = parse_pool_results_once(item.body, **context)
            except FtlError as error:
                raise error.with_context(url=item.url, **context) from None
        else:
            raise TypeError(f"{type(self).__name__} does not know items of type {type(item)}")

    def _bundle(self) -> dict[str, Any]:
        spider = self.spider
        pool_ids = self.pool_ids or []
        if not spider.errors:
            # every page either arrived or failed with an error; a page that did neither was
            # dropped somewhere, and a bundle without it must not claim to be complete
            missing = [pool_id for pool_id in pool_ids if pool_id not in self.pools]
            if self.pool_ids is None or self.results is None or missing:
                what = f"pool {missing[0]}" if missing else "the pools page or the results JSON"
                problem = FtlError(f"the crawl ended without {what}")
                spider.record_error(problem)
                if not spider.partial:
                    raise DropItem(str(problem))
        errors = [
            CrawlError(
                kind=type(error).__name__,
                pool_id=error.pool_id,
                url=error.url or "",
                message=str(error),
            )
            for error in spider.errors
        ]
        try:
            bundle = PoolsBundle(
                event_id=spider.event_id,
                pool_round_id=spider.pool_round_id,
                pool_ids=pool_ids,
                pools=[self.pools[pool_id] for pool_id in pool_ids if pool_id in self.pools],
                results=self.results,
                complete=not errors,
                errors=errors,
            )
        except ValidationError as error:
            problem = ParseError(f"the bundle does not validate: {error.errors()[0]['msg']}")
            spider.record_error(problem)
            raise DropItem(str(problem)) from None
        self.crawler.stats.set_value("ftl/pools", len(bundle.pools))
        return bundle.model_dump(mode="json")
