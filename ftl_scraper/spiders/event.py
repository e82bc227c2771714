"""The `event` spider: one FTL event, every pool round it links and its final results."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, ClassVar

import scrapy

from ftl_scraper.site.urls import EVENT_ROUTER_PATH, classify_ftl_url
from ftl_scraper.spiders.arguments import EventArguments
from ftl_scraper.spiders.event_pages import EventPagesSpider


class EventSpider(EventPagesSpider):
    """Fetch one event: its page's tab bar, every pool round in tab order, its final results.

    Arguments (``-a``): ``event`` or ``url`` (any FTL URL of the event); ``force_refresh``.
    """

    name = "event"
    #: validates the ``-a`` arguments; the ``crawl`` command checks them with it before crawling
    arguments_model: ClassVar[type[EventArguments]] = EventArguments
    incomplete_output = "event written with errors"
    arguments: EventArguments

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args:
            raise TypeError("EventSpider takes keyword arguments only")
        self.arguments = self.arguments_model.parse(kwargs)
        super().__init__()
        self.event_id = self.arguments.event_id
        self.force_refresh = self.arguments.force_refresh
        self.expected_item_count = 1

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self.url_on_ftl():
            return
        self.crawler.stats.set_value("ftl/events_found", 1)
        for request in self.event_requests(self.event_id, self._page_url()):
            yield request

    def _page_url(self) -> str | None:
        """The router URL the user gave, followed to wherever it leads; any other URL of the event
        is read off the results page, the one page whose heading vouches for the final results."""
        if self.arguments.url is None:
            return None
        link = classify_ftl_url(self.arguments.url)
        return f"{self.base_url}{link.path}" if EVENT_ROUTER_PATH.fullmatch(link.path) else None
