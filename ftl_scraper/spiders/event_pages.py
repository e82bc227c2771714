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
    FinalResultsPage,
    PageKind,
    UnchangedEventPage,
)
from ftl_scraper.parsers import EventPage, parse_event_page
from ftl_scraper.site.urls import EventUrls, classify_ftl_url
from ftl_scraper.spiders.base import PAGE_KIND_META
from ftl_scraper.spiders.pool_round_pages import PoolRoundPagesSpider
from ftl_scraper.spiders.tableau_pages import TableauPagesSpider

# Pages that reveal further pages (the schedule, event pages, pools pages, tableaus' trees JSON) go
# out first, so the queue never runs dry while the cap has room; the pages that only complete an
# event (pools, trees' columns, results JSON) follow in schedule order, so events finish, and are
# exported, one after another.
_DISCOVERY_PAGES = frozenset(
    {PageKind.SCHEDULE, PageKind.EVENT_PAGE, PageKind.POOL_IDS, PageKind.TABLEAU_TREES}
)
_DISCOVERY_PRIORITY = 1_000_000


class EventPagesSpider(TableauPagesSpider, PoolRoundPagesSpider):
    """Base of the spiders that crawl whole events; subclasses say which events.

    A failed page makes its event incomplete; the crawl goes on unless FTL stopped answering.
    In a watch (the ``event`` spider's), a 304 answer becomes an unchanged-page item, and the
    subclass says which linked rounds and tableaus the event page still has to request
    (``links_to_fetch``).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
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

    def parse_final_results(
        self, response: Response, event_id: str
    ) -> Iterator[FinalResultsPage | UnchangedEventPage]:
        if self.unchanged(response):
            yield UnchangedEventPage(PageKind.FINAL_RESULTS, event_id, url=response.url)
            return
        yield FinalResultsPage(event_id, url=response.url, body=response.body)

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
        if pool_round_id is not None:
            yield from self.round_page_failed(kind, error, event_id, pool_round_id, pool_id)
            return
        self.record_error(error.with_context(event_id=event_id))
        yield FailedEventPage(kind, event_id, url=error.url or "", error=error)

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
