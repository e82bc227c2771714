"""The `pools` spider: which FTL page to fetch next for one pool round, and what failed."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from functools import cached_property
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

from ftl_scraper.errors import FtlError
from ftl_scraper.fetching.downloader import CrawlStopping, discard_queued_requests
from ftl_scraper.fetching.failures import error_from_failure
from ftl_scraper.items import FailedPage, PageKind, PoolFragmentPage, PoolIdsPage, PoolResultsPage
from ftl_scraper.parsers import parse_pool_ids
from ftl_scraper.site.urls import PoolRoundUrls, normalize_base_url
from ftl_scraper.spiders.arguments import PoolsArguments

logger = logging.getLogger(__name__)

# which page a request fetches, for its errback
_PAGE_KIND_META = "ftl_page_kind"


class PoolsSpider(scrapy.Spider):
    """Fetch one pool round: the pool-IDs page, every pool fragment and the results JSON.

    Arguments (``-a``): ``event`` and ``round``, or ``url``; ``force_refresh``; ``partial``.
    """

    name = "pools"
    #: validates the ``-a`` arguments; the ``crawl`` command checks them with it before crawling
    arguments_model: ClassVar[type[PoolsArguments]] = PoolsArguments

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args:
            raise TypeError("PoolsSpider takes keyword arguments only")
        self.arguments = self.arguments_model.parse(kwargs)
        super().__init__()
        self.event_id = self.arguments.event_id
        self.pool_round_id = self.arguments.pool_round_id
        self.force_refresh = self.arguments.force_refresh
        self.partial = self.arguments.partial
        #: every page that could not be fetched or read, in the order it failed
        self.errors: list[FtlError] = []

    @cached_property
    def urls(self) -> PoolRoundUrls:
        # read once the crawl has started: the spider is made before the addon sets the defaults
        base_url = normalize_base_url(self.crawler.settings.get("FTL_BASE_URL"))
        # a url on another host names a page this crawl would not read: refused before any request
        self.arguments_model.parse(self.arguments.model_dump(exclude_unset=True), base_url=base_url)
        return PoolRoundUrls(base_url, self.event_id, self.pool_round_id)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        # the results JSON needs no pool ID: fetch it alongside the pools page
        yield self._ftl_request(self.urls.pool_ids_page, PageKind.POOL_IDS, self.parse_pool_ids_page)
        yield self._ftl_request(self.urls.results_data, PageKind.POOL_RESULTS, self.parse_results_data)

    def parse_pool_ids_page(self, response: Response) -> Iterator[Any]:
        try:
            pool_ids = parse_pool_ids(response.text)
        except FtlError as error:
            yield from self._page_failed(PageKind.POOL_IDS, error.with_context(url=response.url))
            return
        yield PoolIdsPage(self.event_id, self.pool_round_id, url=response.url, pool_ids=pool_ids)
        for pool_id in pool_ids:
            yield self._ftl_request(
                self.urls.pool_fragment(pool_id),
                PageKind.POOL_FRAGMENT,
                self.parse_pool_fragment,
                pool_id=pool_id,
            )

    def parse_pool_fragment(self, response: Response, pool_id: str) -> Iterator[PoolFragmentPage]:
        yield PoolFragmentPage(
            self.event_id, self.pool_round_id, url=response.url, pool_id=pool_id, html=response.text
        )

    def parse_results_data(self, response: Response) -> Iterator[PoolResultsPage]:
        yield PoolResultsPage(self.event_id, self.pool_round_id, url=response.url, body=response.body)

    def on_request_failed(self, failure: Failure) -> Iterator[FailedPage]:
        if failure.check(CrawlStopping):
            return  # dropped after the crawl failed: not a cause of its own
        request = failure.request  # type: ignore[attr-defined]
        timeout = request.meta.get("download_timeout")
        error = error_from_failure(failure, url=request.url, timeout=timeout)
        pool_id = request.cb_kwargs.get("pool_id")
        yield from self._page_failed(request.meta[_PAGE_KIND_META], error.with_context(pool_id=pool_id))

    def _page_failed(self, kind: PageKind, error: FtlError) -> Iterator[FailedPage]:
        # in partial mode the pipeline counts the page as in, so it knows when the round is done
        self.record_error(error)
        if self.partial:
            url = error.url or ""
            yield FailedPage(
                kind, self.event_id, self.pool_round_id, url=url, error=error, pool_id=error.pool_id
            )

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

    def _ftl_request(self, url: str, kind: PageKind, callback: Any, **cb_kwargs: str) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_request_failed,
            cb_kwargs=cb_kwargs,
            meta={"force_refresh": self.force_refresh, _PAGE_KIND_META: kind},
            # pool IDs are de-duplicated by the parser already; the dupe filter could only drop
            # a page without telling its errback, which would leave a hole in the bundle
            dont_filter=True,
        )
