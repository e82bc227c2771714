"""The `pools` spider: which FTL page to fetch next for one pool round, and what failed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from ftl_scraper.errors import FtlError
from ftl_scraper.items import (
    FailedPage,
    PageKind,
    PoolFragmentPage,
    PoolIdsPage,
    PoolResultsPage,
    UnchangedPage,
)
from ftl_scraper.parsers import parse_pool_ids
from ftl_scraper.site.urls import PoolRoundUrls
from ftl_scraper.spiders.arguments import PoolsArguments
from ftl_scraper.spiders.base import PAGE_KIND_META, FtlSpider
from ftl_scraper.watch.polling import PollPlan

if TYPE_CHECKING:
    from ftl_scraper.watch.pipeline import BundleWatcher


class PoolsSpider(FtlSpider):
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
        #: the pool IDs of the latest pools page, in page order
        self.known_pool_ids: list[str] = []

    def make_watcher(self) -> BundleWatcher:
        from ftl_scraper.watch.pools_changes import PoolsWatcher

        return PoolsWatcher()

    @cached_property
    def urls(self) -> PoolRoundUrls:
        return PoolRoundUrls(self.base_url, self.event_id, self.pool_round_id)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self.url_on_ftl():
            return
        for request in self.poll_requests():
            yield request

    def poll_requests(self) -> list[scrapy.Request]:
        """The first pages of a crawl, or of a watch's poll (the pools page adds pools it lists anew)."""
        requests = [self.ftl_request(self.urls.pool_ids_page, PageKind.POOL_IDS, self.parse_pool_ids_page)]
        poller = self.poller
        unsettled = [pool_id for pool_id in self.known_pool_ids if poller and pool_id not in poller.settled]
        # the results JSON needs no pool ID: fetch it alongside the pools page; a watch reads it only
        # for its snapshot and once every pool is finished, since FTL ranks the round at its end
        with_results = poller is None or not poller.has_snapshot or not unsettled
        if with_results:
            requests.append(
                self.ftl_request(self.urls.results_data, PageKind.POOL_RESULTS, self.parse_results_data)
            )
        requests += [self._pool_request(pool_id) for pool_id in unsettled]
        if poller is not None:
            poller.plan = PollPlan(poller.poll_number, settled=poller.settled, with_results=with_results)
        return requests

    def parse_pool_ids_page(self, response: Response) -> Iterator[Any]:
        if self.unchanged(response):
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
        if self.unchanged(response):
            yield self._unchanged_page(PageKind.POOL_FRAGMENT, response, pool_id)
            return
        yield PoolFragmentPage(
            self.event_id, self.pool_round_id, url=response.url, pool_id=pool_id, html=response.text
        )

    def parse_results_data(self, response: Response) -> Iterator[Any]:
        if self.unchanged(response):
            yield self._unchanged_page(PageKind.POOL_RESULTS, response)
            return
        yield PoolResultsPage(self.event_id, self.pool_round_id, url=response.url, body=response.body)

    def on_request_failed(self, failure: Failure) -> Iterator[FailedPage]:
        error = self.error_of(failure)
        if error is None:
            return
        request = failure.request  # type: ignore[attr-defined]
        pool_id = request.cb_kwargs.get("pool_id")
        yield from self._page_failed(request.meta[PAGE_KIND_META], error.with_context(pool_id=pool_id))

    def _page_failed(self, kind: PageKind, error: FtlError) -> Iterator[FailedPage]:
        # when failed pages are kept, the pipeline counts the page as in, so it knows when the
        # round is done
        self.record_error(error)
        if self.keeps_failed_pages:
            url = error.url or ""
            yield FailedPage(
                kind, self.event_id, self.pool_round_id, url=url, error=error, pool_id=error.pool_id
            )

    def error_context(self) -> dict[str, str]:
        return {"event_id": self.event_id, "pool_round_id": self.pool_round_id}

    def _unchanged_page(
        self, kind: PageKind, response: Response, pool_id: str | None = None
    ) -> UnchangedPage:
        return UnchangedPage(kind, self.event_id, self.pool_round_id, url=response.url, pool_id=pool_id)

    def _pool_request(self, pool_id: str) -> scrapy.Request:
        return self.ftl_request(
            self.urls.pool_fragment(pool_id),
            PageKind.POOL_FRAGMENT,
            self.parse_pool_fragment,
            pool_id=pool_id,
        )
