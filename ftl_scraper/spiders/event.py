"""The `event` spider: one FTL event, every pool round it links and its final results."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, ClassVar

import scrapy

from ftl_scraper.errors import FtlError
from ftl_scraper.parsers import EventPage
from ftl_scraper.site.urls import EVENT_ROUTER_PATH, EventUrls, classify_ftl_url
from ftl_scraper.spiders.arguments import EventArguments
from ftl_scraper.spiders.event_pages import EventPagesSpider
from ftl_scraper.watch.polling import PollPlan

if TYPE_CHECKING:
    from ftl_scraper.watch.pipeline import BundleWatcher


class EventSpider(EventPagesSpider):
    """Fetch one event: its page's tab bar, every pool round in tab order, its final results.

    Arguments (``-a``): ``event`` or ``url`` (any FTL URL of the event); ``force_refresh``;
    ``watch`` (seconds between polls) with ``fencers`` and ``snapshot``.

    In a watch, every poll fetches the event page (to notice rounds and tableaus added to its tab
    bar) and the final results JSON; of each round not over, its pools page, the pools not
    finished yet, and its results JSON once every pool is finished; of each tableau not over, its
    trees JSON and the trees not finished yet. The watch ends once the final results are published.
    """

    name = "event"
    arguments_model: ClassVar[type[EventArguments]] = EventArguments
    incomplete_output = "event written with errors"
    arguments: EventArguments

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event_id = self.arguments.event_id
        self.expected_item_count = 1
        #: in a watch: each tableau the tab bar linked, in tab order (its rounds: ``known_pool_ids``)
        self.known_tableau_ids: list[str] = []

    def make_watcher(self) -> BundleWatcher:
        from ftl_scraper.watch.event_changes import EventWatcher

        return EventWatcher()

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self.url_on_ftl():
            return
        self.crawler.stats.set_value("ftl/events_found", 1)
        for request in self.poll_requests():
            yield request

    def poll_requests(self) -> list[scrapy.Request]:
        """The first pages of a crawl (the event page requests the rest), or of a watch's poll:
        also the parts of the rounds and tableaus already known that are not settled."""
        requests = list(self.event_requests(self.event_id, self._page_url()))
        poller = self.poller
        if poller is None:
            return requests
        settled = poller.settled
        rounds_with_results: set[str] = set()
        for pool_round_id in self.known_pool_ids:
            if pool_round_id in settled:
                continue  # over: finished and ranked
            round_requests, with_results = self.round_poll_requests(self.event_id, pool_round_id)
            requests += round_requests
            if with_results:
                rounds_with_results.add(pool_round_id)
        requests += [
            self.tableau_request(self.event_id, tableau_id)
            for tableau_id in self.known_tableau_ids
            if tableau_id not in settled
        ]
        poller.plan = PollPlan(
            poller.poll_number,
            settled=settled,
            with_results=False,
            rounds_with_results=frozenset(rounds_with_results),
        )
        return requests

    def links_to_fetch(self, page: EventPage) -> tuple[list[str], list[str]]:
        """In a watch, only the rounds and tableaus the tab bar links anew (``poll_requests`` asks
        for the others)."""
        if self.poller is None:
            return super().links_to_fetch(page)
        new_rounds = [
            pool_round_id for pool_round_id in page.pool_round_ids if pool_round_id not in self.known_pool_ids
        ]
        new_tableaus = [
            tableau_id for tableau_id in page.tableau_ids if tableau_id not in self.known_tableau_ids
        ]
        self.known_pool_ids = {
            pool_round_id: self.known_pool_ids.get(pool_round_id, []) for pool_round_id in page.pool_round_ids
        }
        self.known_tableau_ids = list(page.tableau_ids)
        return new_rounds, new_tableaus

    def stop_reason(self, error: FtlError) -> str | None:
        # a watch's first poll is fail-fast, as a pools watch's is (a wrong ID shows at once); later
        # polls read a failed page again (Poller.tolerates) unless no poll can cure its error
        if self.poller is not None:
            return super().stop_reason(error) or "ftl_error"
        return super().stop_reason(error)

    def _page_url(self) -> str | None:
        """The router URL the user gave, followed to wherever it leads; any other URL of the event
        is read off the results page, the one page whose heading vouches for the final results."""
        if self.arguments.url is None:
            return None
        link = classify_ftl_url(self.arguments.url)
        if link.event_id is None or not EVENT_ROUTER_PATH.fullmatch(link.path):
            return None
        return EventUrls(self.base_url, link.event_id).view
