"""The `pools` spider: which FTL page to fetch next for one pool round, and what failed."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any, Self

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

from ftl_scraper.errors import FtlError
from ftl_scraper.fetching.downloader import CrawlStopping, discard_queued_requests
from ftl_scraper.fetching.failures import error_from_failure
from ftl_scraper.items import BundleReady, PoolFragmentPage, PoolIdsPage, PoolResultsPage
from ftl_scraper.parsers import parse_pool_ids
from ftl_scraper.site.urls import PoolRoundUrls, normalize_base_url
from ftl_scraper.spiders.arguments import PoolsArguments

logger = logging.getLogger(__name__)

# The end-of-crawl request carries no network traffic: Scrapy's data: handler answers it.
_BUNDLE_TRIGGER_URL = "data:,"


class PoolsSpider(scrapy.Spider):
    """Fetch one pool round: the pool-IDs page, every pool fragment and the results JSON.

    Arguments (``-a``): ``event`` and ``round``, or ``url``; ``force_refresh``; ``partial``.
    """

    name = "pools"
    urls: PoolRoundUrls

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args:
            raise TypeError("PoolsSpider takes keyword arguments only")
        self.arguments = PoolsArguments.parse(kwargs)
        super().__init__()
        self.event_id = self.arguments.event_id
        self.pool_round_id = self.arguments.pool_round_id
        self.force_refresh = self.arguments.force_refresh
        self.partial = self.arguments.partial
        #: every page that could not be fetched or read, in the order it failed
        self.errors: list[FtlError] = []
        self._bundle_requested = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        base_url = normalize_base_url(crawler.settings.get("FTL_BASE_URL"))
        # a url on another host names a page this crawl would not read: refuse it before any request
        PoolsArguments.parse(spider.arguments.model_dump(exclude_unset=True), base_url=base_url)
        spider.urls = PoolRoundUrls(base_url, spider.event_id, spider.pool_round_id)
        crawler.signals.connect(spider._request_bundle_when_idle, signal=signals.spider_idle)
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        # the results JSON needs no pool ID: fetch it alongside the pools page
        yield self._ftl_request(self.urls.pool_ids_page, self.parse_pool_ids_page)
        yield self._ftl_request(self.urls.results_data, self.parse_results_data)

    def parse_pool_ids_page(self, response: Response) -> Iterator[Any]:
        try:
            pool_ids = parse_pool_ids(response.text)
        except FtlError as error:
            self.record_error(error.with_context(url=response.url))
            return
        yield PoolIdsPage(url=response.url, pool_ids=pool_ids)
        for pool_id in pool_ids:
            yield self._ftl_request(
                self.urls.pool_fragment(pool_id),
                self.parse_pool_fragment,
                pool_id=pool_id,
            )

    def parse_pool_fragment(self, response: Response, pool_id: str) -> Iterator[PoolFragmentPage]:
        yield PoolFragmentPage(url=response.url, pool_id=pool_id, html=response.text)

    def parse_results_data(self, response: Response) -> Iterator[PoolResultsPage]:
        yield PoolResultsPage(url=response.url, body=response.body)

    def on_request_failed(self, failure: Failure) -> None:
        if failure.check(CrawlStopping):
            return  # dropped after the crawl failed: not a cause of its own
        request = failure.request  # type: ignore[attr-defined]
        timeout = request.meta.get("download_timeout")
        error = error_from_failure(failure, url=request.url, timeout=timeout)
        self.record_error(error.with_context(pool_id=request.cb_kwargs.get("pool_id")))

    def record_error(self, error: FtlError) -> None:
        """Keep a failed page; unless in partial mode, stop the crawl at once."""
        error.with_context(event_id=self.event_id, pool_round_id=self.pool_round_id)
        self.errors.append(error)
        self.crawler.stats.inc_value("ftl/errors")
        logger.error("%s", error)
        if not self.partial and len(self.errors) == 1:
            # fail-fast: requests waiting for a transfer slot must not reach FTL any more
            discard_queued_requests(self.crawler)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="ftl_error"))

    def _ftl_request(self, url: str, callback: Any, **cb_kwargs: str) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_request_failed,
            cb_kwargs=cb_kwargs,
            meta={"force_refresh": self.force_refresh},
            # pool IDs are de-duplicated by the parser already; the dupe filter could only drop
            # a page without telling its errback, which would leave a hole in the bundle
            dont_filter=True,
        )

    def _request_bundle_when_idle(self) -> None:
        # Every page is in once the engine is idle: one last request asks the pipeline for
        # the bundle, so the feed exports exactly one item however the pages arrived.
        if self._bundle_requested or (self.errors and not self.partial):
            return
        self._bundle_requested = True
        self.crawler.engine.crawl(
            scrapy.Request(
                _BUNDLE_TRIGGER_URL,
                callback=self._emit_bundle,
                dont_filter=True,
                meta={"dont_cache": True},
            )
        )
        raise DontCloseSpider

    def _emit_bundle(self, response: Response) -> Iterator[BundleReady]:
        yield BundleReady()
