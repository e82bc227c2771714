"""The `pools` spider: which FTL page to fetch next for one pool round, and what failed."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from functools import cached_property
from typing import Any, ClassVar, Self

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

from ftl_scraper.errors import FtlError
from ftl_scraper.fetching.downloader import CrawlStopping, discard_queued_requests
from ftl_scraper.fetching.failures import error_from_failure
from ftl_scraper.items import (
    FailedPage,
    PageKind,
    PoolFragmentPage,
    PoolIdsPage,
    PoolResultsPage,
    UnchangedPage,
)
from ftl_scraper.parsers import parse_pool_ids
from ftl_scraper.site.urls import PoolRoundUrls, normalize_base_url
from ftl_scraper.spiders.arguments import PoolsArguments
from ftl_scraper.watch.fencer_filter import FencerFilter
from ftl_scraper.watch.polling import Poller, PollPlan, poll_interval
from ftl_scraper.watch.pools_changes import PoolsWatcher

logger = logging.getLogger(__name__)

# which page a request fetches, for its errback
_PAGE_KIND_META = "ftl_page_kind"


class PoolsSpider(scrapy.Spider):
    """Fetch one pool round: the pool-IDs page, every pool fragment and the results JSON.

    Arguments (``-a``): ``event`` and ``round``, or ``url``; ``force_refresh``; ``partial``;
    ``watch`` (seconds between polls) with ``fencers`` and ``snapshot``.

    In a watch, every poll fetches the pools page (to notice added or removed pools), the pools
    not finished yet, and the results JSON once every pool is finished; the watch pipeline writes
    what changed.
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
        #: every page that could not be fetched or read, in the order it failed (in a watch: this poll)
        self.errors: list[FtlError] = []
        self._closing = False
        #: the pool IDs of the latest pools page, in page order
        self.known_pool_ids: list[str] = []
        # watch mode (a Poller needs the settings: set in from_crawler)
        self.poller: Poller | None = None
        self.watcher = PoolsWatcher()
        self.fencer_filter = FencerFilter.parse(self.arguments.fencers) if self.arguments.fencers else None
        self.snapshot_path = self.arguments.snapshot

    @cached_property
    def urls(self) -> PoolRoundUrls:
        # read once the crawl has started: the spider is made before the addon sets the defaults
        base_url = normalize_base_url(self.crawler.settings.get("FTL_BASE_URL"))
        return PoolRoundUrls(base_url, self.event_id, self.pool_round_id)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.arguments.watch is not None:
            spider.poller = Poller(spider, poll_interval(crawler.settings, spider.arguments.watch))
            crawler.signals.connect(spider.poller.on_idle, signal=signals.spider_idle)
        return spider

    @property
    def streams_output(self) -> bool:
        """A watch's feed is written line by line as changes are seen (see output/change_stream.py)."""
        return self.poller is not None

    @property
    def keeps_failed_pages(self) -> bool:
        """Whether a failed page counts as in (the round's bundle still comes out): in partial mode,
        and in a watch once its snapshot is out (the page keeps its last content until next poll)."""
        return self.partial or (self.poller is not None and self.poller.has_snapshot)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for request in self.poll_requests():
            yield request

    def poll_requests(self) -> list[scrapy.Request]:
        """The first pages of a crawl, or of a watch's poll (the pools page adds pools it lists anew)."""
        requests = [self._ftl_request(self.urls.pool_ids_page, PageKind.POOL_IDS, self.parse_pool_ids_page)]
        poller = self.poller
        unsettled = [pool_id for pool_id in self.known_pool_ids if poller and pool_id not in poller.settled]
        # the results JSON needs no pool ID: fetch it alongside the pools page; a watch reads it only
        # for its snapshot and once every pool is finished, since FTL ranks the round at its end
        with_results = poller is None or not poller.has_snapshot or not unsettled
        if with_results:
            requests.append(
                self._ftl_request(self.urls.results_data, PageKind.POOL_RESULTS, self.parse_results_data)
            )
        requests += [self._pool_request(pool_id) for pool_id in unsettled]
        if poller is not None:
            poller.plan = PollPlan(poller.poll_number, settled=poller.settled, with_results=with_results)
        return requests

    def parse_pool_ids_page(self, response: Response) -> Iterator[Any]:
        if self._unchanged(response):
            yield self._unchanged_page(PageKind.POOL_IDS, response)
            return
        try:
            pool_ids = parse_pool_ids(response.text)
        except FtlError as error:
            yield from self._page_failed(PageKind.POOL_IDS, error.with_context(url=response.url))
            return
        yield PoolIdsPage(self.event_id, self.pool_round_id, url=response.url, pool_ids=pool_ids)
        known = set(self.known_pool_ids)
        self.known_pool_ids = pool_ids
        for pool_id in pool_ids:
            if pool_id not in known:  # every pool on a first read; in a watch, the pools added since
                yield self._pool_request(pool_id)

    def parse_pool_fragment(self, response: Response, pool_id: str) -> Iterator[Any]:
        if self._unchanged(response):
            yield self._unchanged_page(PageKind.POOL_FRAGMENT, response, pool_id)
            return
        yield PoolFragmentPage(
            self.event_id, self.pool_round_id, url=response.url, pool_id=pool_id, html=response.text
        )

    def parse_results_data(self, response: Response) -> Iterator[Any]:
        if self._unchanged(response):
            yield self._unchanged_page(PageKind.POOL_RESULTS, response)
            return
        yield PoolResultsPage(self.event_id, self.pool_round_id, url=response.url, body=response.body)

    def on_request_failed(self, failure: Failure) -> Iterator[FailedPage]:
        if failure.check(CrawlStopping):
            return  # dropped after the crawl failed: not a cause of its own
        request = failure.request  # type: ignore[attr-defined]
        timeout = request.meta.get("download_timeout")
        error = error_from_failure(failure, url=request.url, timeout=timeout)
        pool_id = request.cb_kwargs.get("pool_id")
        yield from self._page_failed(request.meta[_PAGE_KIND_META], error.with_context(pool_id=pool_id))

    def closed(self, reason: str) -> None:
        if self.poller is not None:
            self.poller.stop()

    def _page_failed(self, kind: PageKind, error: FtlError) -> Iterator[FailedPage]:
        # when failed pages are kept, the pipeline counts the page as in, so it knows when the
        # round is done
        self.record_error(error)
        if self.keeps_failed_pages:
            url = error.url or ""
            yield FailedPage(
                kind, self.event_id, self.pool_round_id, url=url, error=error, pool_id=error.pool_id
            )

    def record_error(self, error: FtlError) -> None:
        """Keep a failed page; unless in partial mode (or a watch that can read it again at the next
        poll), stop the crawl at once."""
        error.with_context(event_id=self.event_id, pool_round_id=self.pool_round_id)
        self.errors.append(error)
        self.crawler.stats.inc_value("ftl/errors")
        if self.poller is not None and self.poller.tolerates(error):
            logger.warning("%s; trying again at the next poll", error)
            return
        logger.error("%s", error)
        if not self.partial and not self._closing:
            self._closing = True
            # fail-fast: requests waiting for a transfer slot must not reach FTL any more
            discard_queued_requests(self.crawler)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="ftl_error"))

    def _unchanged(self, response: Response) -> bool:
        return self.poller is not None and self.poller.unchanged(response)

    def _unchanged_page(
        self, kind: PageKind, response: Response, pool_id: str | None = None
    ) -> UnchangedPage:
        return UnchangedPage(kind, self.event_id, self.pool_round_id, url=response.url, pool_id=pool_id)

    def _pool_request(self, pool_id: str) -> scrapy.Request:
        return self._ftl_request(
            self.urls.pool_fragment(pool_id),
            PageKind.POOL_FRAGMENT,
            self.parse_pool_fragment,
            pool_id=pool_id,
        )

    def _ftl_request(self, url: str, kind: PageKind, callback: Any, **cb_kwargs: str) -> scrapy.Request:
        request = scrapy.Request(
            url,
            callback=callback,
            errback=self.on_request_failed,
            cb_kwargs=cb_kwargs,
            meta={"force_refresh": self.force_refresh, _PAGE_KIND_META: kind},
            # pool IDs are de-duplicated by the parser already; the dupe filter could only drop
            # a page without telling its errback, which would leave a hole in the bundle
            dont_filter=True,
        )
        return self.poller.prepare(request) if self.poller else request
