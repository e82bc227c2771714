"""What the spiders that fetch pool rounds share (`pools`, and `event` and `tournament` through
``EventPagesSpider``): a round's pools page, its pools and its results JSON, and what failed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response

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
from ftl_scraper.spiders.base import FtlSpider


class PoolRoundPagesSpider(FtlSpider):
    """Base of the spiders that fetch pool rounds, each named by its event and round IDs.

    A pools page requests the pools it lists anew: on a crawl's only read, every one; in a watch,
    those added since the last poll, which asks for the unfinished others itself
    (``round_poll_requests``). In a watch, a 304 answer becomes an unchanged-page item.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: each round's pool IDs as its latest pools page lists them, in page order
        self.known_pool_ids: dict[str, list[str]] = {}

    def pool_round_requests(
        self, event_id: str, pool_round_id: str, *, with_results: bool
    ) -> Iterator[scrapy.Request]:
        """A round's pools page (its callback requests the pools) and, ``with_results``, its results JSON."""
        round_urls = PoolRoundUrls(self.base_url, event_id, pool_round_id)
        ids = {"event_id": event_id, "pool_round_id": pool_round_id}
        yield self.ftl_request(round_urls.pool_ids_page, PageKind.POOL_IDS, self.parse_pool_ids_page, **ids)
        if with_results:
            yield self.ftl_request(
                round_urls.results_data, PageKind.POOL_RESULTS, self.parse_pool_results, **ids
            )

    def pool_fragment_request(self, event_id: str, pool_round_id: str, pool_id: str) -> scrapy.Request:
        return self.ftl_request(
            PoolRoundUrls(self.base_url, event_id, pool_round_id).pool_fragment(pool_id),
            PageKind.POOL_FRAGMENT,
            self.parse_pool_fragment,
            event_id=event_id,
            pool_round_id=pool_round_id,
            pool_id=pool_id,
        )

    def round_poll_requests(self, event_id: str, pool_round_id: str) -> tuple[list[scrapy.Request], bool]:
        """A round's requests for a crawl or a watch's poll: its pools page, the known pools not
        finished yet, and its results JSON once none is left (FTL ranks a round at its end); and
        whether the results JSON is among them."""
        settled = self.poller.settled if self.poller is not None else frozenset()
        unsettled = [
            pool_id for pool_id in self.known_pool_ids.get(pool_round_id, ()) if pool_id not in settled
        ]
        with_results = not unsettled
        requests = list(self.pool_round_requests(event_id, pool_round_id, with_results=with_results))
        requests += [self.pool_fragment_request(event_id, pool_round_id, pool_id) for pool_id in unsettled]
        return requests, with_results

    def parse_pool_ids_page(self, response: Response, event_id: str, pool_round_id: str) -> Iterator[Any]:
        if self.unchanged(response):
            yield UnchangedPage(PageKind.POOL_IDS, event_id, pool_round_id, url=response.url)
            return
        try:
            pool_ids = parse_pool_ids(response.text)
        except FtlError as error:
            yield from self.round_page_failed(
                PageKind.POOL_IDS, error.with_context(url=response.url), event_id, pool_round_id
            )
            return
        yield PoolIdsPage(event_id, pool_round_id, url=response.url, pool_ids=pool_ids)
        known = set(self.known_pool_ids.get(pool_round_id, ()))
        self.known_pool_ids[pool_round_id] = list(pool_ids)
        for pool_id in pool_ids:
            if pool_id not in known:
                yield self.pool_fragment_request(event_id, pool_round_id, pool_id)

    def parse_pool_fragment(
        self, response: Response, event_id: str, pool_round_id: str, pool_id: str
    ) -> Iterator[PoolFragmentPage | UnchangedPage]:
        if self.unchanged(response):
            yield UnchangedPage(
                PageKind.POOL_FRAGMENT, event_id, pool_round_id, url=response.url, pool_id=pool_id
            )
            return
        yield PoolFragmentPage(event_id, pool_round_id, url=response.url, pool_id=pool_id, html=response.text)

    def parse_pool_results(
        self, response: Response, event_id: str, pool_round_id: str
    ) -> Iterator[PoolResultsPage | UnchangedPage]:
        if self.unchanged(response):
            yield UnchangedPage(PageKind.POOL_RESULTS, event_id, pool_round_id, url=response.url)
            return
        yield PoolResultsPage(event_id, pool_round_id, url=response.url, body=response.body)

    def round_page_failed(
        self, kind: PageKind, error: FtlError, event_id: str, pool_round_id: str, pool_id: str | None = None
    ) -> Iterator[FailedPage]:
        """Record a round's page that failed; when failed pages are kept (``keeps_failed_pages``),
        hand it to the pipeline, which counts it as in and so knows when the round is done."""
        self.record_error(error.with_context(event_id=event_id, pool_round_id=pool_round_id, pool_id=pool_id))
        if self.keeps_failed_pages:
            url = error.url or ""
            yield FailedPage(kind, event_id, pool_round_id, url=url, error=error, pool_id=pool_id)
