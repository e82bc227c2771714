"""What the `event` and `tournament` spiders share: fetch an event's page, final results and every
pool round and tableau it links, and hand each page (or its failure) to the pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from ftl_scraper.errors import EventPageParseError, FtlError, HostUnavailableError
from ftl_scraper.items import (
    EventPageRead,
    FailedEventPage,
    FailedPage,
    FinalResultsPage,
    PageKind,
    PoolFragmentPage,
    PoolIdsPage,
    PoolResultsPage,
    UnchangedEventPage,
    UnchangedPage,
)
from ftl_scraper.parsers import EventPage, parse_event_page, parse_pool_ids
from ftl_scraper.site.urls import EventUrls, classify_ftl_url
from ftl_scraper.spiders.base import PAGE_KIND_META
from ftl_scraper.spiders.tableau_pages import TableauPagesSpider

# Pages that reveal further pages (the schedule, event pages, pools pages, tableaus' trees JSON) go
# out first, so the queue never runs dry while the cap has room; the pages that only complete an
# event (pools, trees' columns, results JSON) follow in schedule order, so events finish, and are
# exported, one after another.
_DISCOVERY_PAGES = frozenset(
    {PageKind.SCHEDULE, PageKind.EVENT_PAGE, PageKind.POOL_IDS, PageKind.TABLEAU_TREES}
)
_DISCOVERY_PRIORITY = 1_000_000


class EventPagesSpider(TableauPagesSpider):
    """Base of the spiders that crawl whole events; subclasses say which events.

    A failed page makes its event incomplete; the crawl goes on unless FTL stopped answering.
    In a watch (the ``event`` spider's), a 304 answer becomes an unchanged-page item, and the
    subclass says which linked rounds, tableaus and pools a page still has to request
    (``links_to_fetch``, ``pools_to_fetch``).
    """

    def __init__(self) -> None:
        super().__init__()
        #: how many bundles the crawl should export; None until known (tournament: the schedule)
        self.expected_item_count: int | None = None
        #: each event's place on the schedule: earlier events' pages go first
        self.event_order: dict[str, int] = {}

    def event_requests(self, event_id: str, page_url: str | None = None) -> Iterator[scrapy.Request]:
        """The event page (``page_url``, else its results page) and its final results JSON."""
        urls = EventUrls(self.base_url, event_id)
        yield self.ftl_request(
            page_url or urls.results_page, PageKind.EVENT_PAGE, self.parse_event_page, event_id=event_id
        )
        yield self.final_results_request(event_id)

    def final_results_request(self, event_id: str) -> scrapy.Request:
        return self.ftl_request(
            EventUrls(self.base_url, event_id).results_data,
            PageKind.FINAL_RESULTS,
            self.parse_final_results,
            event_id=event_id,
        )

    def parse_event_page(self, response: Response, event_id: str) -> Iterator[Any]:
        if self.unchanged(response):
            yield UnchangedEventPage(PageKind.EVENT_PAGE, event_id, url=response.url)
            return
        try:
            page = self.read_event_page(response, event_id)
        except FtlError as error:
            yield from self.page_failed(PageKind.EVENT_PAGE, error, event_id=event_id)
            return
        yield from self.event_page_read(response.url, page)

    def read_event_page(self, response: Response, event_id: str) -> EventPage:
        """Parse an event page, checking where a redirect (``/events/view``) landed."""
        try:
            landed_on = classify_ftl_url(response.url).event_id
        except FtlError:
            landed_on = None
        if landed_on != event_id:
            raise EventPageParseError(
                "the event's page redirected away from the event", event_id=event_id, url=response.url
            )
        return parse_event_page(response.text, event_id, url=response.url)

    def event_page_read(self, url: str, page: EventPage) -> Iterator[Any]:
        """Hand the read page over, then fetch every pool round and tableau it links, in tab order."""
        yield EventPageRead(page.event_id, url=url, page=page)
        pool_round_ids, tableau_ids = self.links_to_fetch(page)
        for pool_round_id in pool_round_ids:
            yield from self.pool_round_requests(page.event_id, pool_round_id, with_results=True)
        for tableau_id in tableau_ids:
            yield self.tableau_request(page.event_id, tableau_id)
        self.crawler.stats.inc_value("ftl/rounds_found", len(pool_round_ids))

    def links_to_fetch(self, page: EventPage) -> tuple[list[str], list[str]]:
        """The pool rounds and tableaus the event page's callback requests: every one it links."""
        return page.pool_round_ids, page.tableau_ids

    def pools_to_fetch(self, event_id: str, pool_round_id: str, pool_ids: list[str]) -> list[str]:
        """The pools a round's pools page requests: every one it lists."""
        return pool_ids

    def pool_round_requests(
        self, event_id: str, pool_round_id: str, *, with_results: bool
    ) -> Iterator[scrapy.Request]:
        """A round's pools page (its callback requests the pools) and, ``with_results``, its results JSON."""
        round_urls = EventUrls(self.base_url, event_id).pool_round(pool_round_id)
        ids = {"event_id": event_id, "pool_round_id": pool_round_id}
        yield self.ftl_request(round_urls.pool_ids_page, PageKind.POOL_IDS, self.parse_pool_ids_page, **ids)
        if with_results:
            yield self.ftl_request(
                round_urls.results_data, PageKind.POOL_RESULTS, self.parse_pool_results, **ids
            )

    def pool_fragment_request(self, event_id: str, pool_round_id: str, pool_id: str) -> scrapy.Request:
        return self.ftl_request(
            EventUrls(self.base_url, event_id).pool_round(pool_round_id).pool_fragment(pool_id),
            PageKind.POOL_FRAGMENT,
            self.parse_pool_fragment,
            event_id=event_id,
            pool_round_id=pool_round_id,
            pool_id=pool_id,
        )

    def parse_final_results(
        self, response: Response, event_id: str
    ) -> Iterator[FinalResultsPage | UnchangedEventPage]:
        if self.unchanged(response):
            yield UnchangedEventPage(PageKind.FINAL_RESULTS, event_id, url=response.url)
            return
        yield FinalResultsPage(event_id, url=response.url, body=response.body)

    def parse_pool_ids_page(self, response: Response, event_id: str, pool_round_id: str) -> Iterator[Any]:
        if self.unchanged(response):
            yield UnchangedPage(PageKind.POOL_IDS, event_id, pool_round_id, url=response.url)
            return
        try:
            pool_ids = parse_pool_ids(response.text)
        except FtlError as error:
            yield from self.page_failed(
                PageKind.POOL_IDS, error.with_context(url=response.url), event_id, pool_round_id
            )
            return
        yield PoolIdsPage(event_id, pool_round_id, url=response.url, pool_ids=pool_ids)
        for pool_id in self.pools_to_fetch(event_id, pool_round_id, pool_ids):
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

    def on_request_failed(self, failure: Failure) -> Iterator[Any]:
        error = self.error_of(failure)
        if error is not None:
            request = failure.request  # type: ignore[attr-defined]
            yield from self.page_failed(request.meta[PAGE_KIND_META], error, **request.cb_kwargs)

    def on_crawl_page_failed(self, failure: Failure) -> None:
        """Errback of a page no event waits for (the schedule): its failure is the crawl's."""
        error = self.error_of(failure)
        if error is not None:
            self.record_error(error)

    def page_failed(
        self,
        kind: PageKind,
        error: FtlError,
        event_id: str,
        pool_round_id: str | None = None,
        pool_id: str | None = None,
    ) -> Iterator[Any]:
        """Record the failure, and hand it to the pipeline so the event still completes."""
        self.record_error(error.with_context(event_id=event_id, pool_round_id=pool_round_id, pool_id=pool_id))
        url = error.url or ""
        if pool_round_id is None:
            yield FailedEventPage(kind, event_id, url=url, error=error)
        else:
            yield FailedPage(kind, event_id, pool_round_id, url=url, error=error, pool_id=pool_id)

    @property
    def keeps_failed_pages(self) -> bool:
        """Always: an event's bundle comes out with its failed pages (``complete: false``)."""
        return True

    def stop_reason(self, error: FtlError) -> str | None:
        if isinstance(error, HostUnavailableError) and self.crawler.engine.running:
            # every further page would fail the same way: stop, keeping the events exported so far
            return "ftl_unavailable"
        return None

    def request_priority(self, kind: PageKind, cb_kwargs: dict[str, Any]) -> int:
        if kind in _DISCOVERY_PAGES:
            return _DISCOVERY_PRIORITY
        return -self.event_order.get(cb_kwargs.get("event_id") or "", 0)
