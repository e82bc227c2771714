"""The `pools` spider: which FTL page to fetch next for one pool round, and what failed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from functools import cached_property
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from ftl_scraper.errors import FtlError
from ftl_scraper.items import FailedPage, PageKind, PoolFragmentPage, PoolIdsPage, PoolResultsPage
from ftl_scraper.parsers import parse_pool_ids
from ftl_scraper.site.urls import PoolRoundUrls
from ftl_scraper.spiders.arguments import PoolsArguments
from ftl_scraper.spiders.base import PAGE_KIND_META, FtlSpider


class PoolsSpider(FtlSpider):
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

    @cached_property
    def urls(self) -> PoolRoundUrls:
        return PoolRoundUrls(self.base_url, self.event_id, self.pool_round_id)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self.url_on_ftl():
            return
        # the results JSON needs no pool ID: fetch it alongside the pools page
        yield self.ftl_request(self.urls.pool_ids_page, PageKind.POOL_IDS, self.parse_pool_ids_page)
        yield self.ftl_request(self.urls.results_data, PageKind.POOL_RESULTS, self.parse_results_data)

    def parse_pool_ids_page(self, response: Response) -> Iterator[Any]:
        try:
            pool_ids = parse_pool_ids(response.text)
        except FtlError as error:
            yield from self._page_failed(PageKind.POOL_IDS, error.with_context(url=response.url))
            return
        yield PoolIdsPage(self.event_id, self.pool_round_id, url=response.url, pool_ids=pool_ids)
        for pool_id in pool_ids:
            yield self.ftl_request(
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
        error = self.error_of(failure)
        if error is None:
            return
        request = failure.request  # type: ignore[attr-defined]
        pool_id = request.cb_kwargs.get("pool_id")
        yield from self._page_failed(request.meta[PAGE_KIND_META], error.with_context(pool_id=pool_id))

    def _page_failed(self, kind: PageKind, error: FtlError) -> Iterator[FailedPage]:
        # in partial mode the pipeline counts the page as in, so it knows when the round is done
        self.record_error(error)
        if self.partial:
            url = error.url or ""
            yield FailedPage(
                kind, self.event_id, self.pool_round_id, url=url, error=error, pool_id=error.pool_id
            )

    def error_context(self) -> dict[str, str]:
        return {"event_id": self.event_id, "pool_round_id": self.pool_round_id}
