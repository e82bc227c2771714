"""The `tournament` spider: every event on a tournament's schedule, each exported once it is done."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response

from ftl_scraper.distributed.units import UnitsOfWork
from ftl_scraper.errors import EventPageParseError, FtlError, ScheduleParseError
from ftl_scraper.items import EventScheduled, PageKind
from ftl_scraper.parsers import EventPage, ScheduledEvent, parse_schedule
from ftl_scraper.site.urls import EventUrls, schedule_url
from ftl_scraper.spiders.arguments import TournamentArguments
from ftl_scraper.spiders.event_pages import EventPagesSpider


class TournamentSpider(EventPagesSpider, UnitsOfWork):
    """Fetch a tournament's schedule, then every event on it (or those ``events`` matches).

    Arguments (``-a``): ``tournament`` or ``url`` (the schedule's, or any URL of an event in
    it); ``events`` (a regular expression on event names, any case); ``force_refresh``.
    """

    name = "tournament"
    arguments_model: ClassVar[type[TournamentArguments]] = TournamentArguments
    incomplete_output = "every event written, some with errors"
    arguments: TournamentArguments

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tournament_id = self.arguments.tournament_id
        #: the event page read to find the tournament, kept so it is not fetched twice
        self._first_event_page: tuple[str, EventPage] | None = None

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self.url_on_ftl():
            return
        if self.tournament_id is not None:
            yield self._schedule_request(self.tournament_id)
            return
        # an event's URL: its page's Schedule tab names the tournament
        event_id = self.arguments.event_id
        assert event_id is not None
        yield self.ftl_request(
            EventUrls(self.base_url, event_id).results_page,
            PageKind.EVENT_PAGE,
            self.parse_first_event_page,
            errback=self.on_crawl_page_failed,
            event_id=event_id,
        )

    def parse_first_event_page(self, response: Response, event_id: str) -> Iterator[Any]:
        try:
            page = self.read_event_page(response, event_id)
            if page.tournament_id is None:
                raise EventPageParseError(
                    "the event page has no Schedule link to its tournament: give tournament=<ID>",
                    event_id=event_id,
                    url=response.url,
                )
        except FtlError as error:
            self.record_error(error.with_context(event_id=event_id))
            return
        self.tournament_id = page.tournament_id
        self._first_event_page = (response.url, page)
        yield self._schedule_request(page.tournament_id)

    def parse_schedule(self, response: Response) -> Iterator[Any]:
        assert self.tournament_id is not None
        try:
            schedule = parse_schedule(response.text)
        except FtlError as error:
            self.record_error(error.with_context(url=response.url))
            return
        events = [event for event in schedule.events if self.arguments.wants_event(event.event_name)]
        self.crawler.stats.set_value("ftl/events_found", len(events))
        if not events:
            wanted = f" matches events={self.arguments.events!r}" if self.arguments.events else ""
            self.record_error(
                ScheduleParseError(f"no event on the tournament's schedule{wanted}", url=response.url)
            )
            return
        self.expected_item_count = len(events)
        self.event_order = {event.event_id: index for index, event in enumerate(events)}
        for event in events:
            if self._first_event_page and self._first_event_page[1].event_id == event.event_id:
                yield EventScheduled(self.tournament_id, event)
                url, page = self._first_event_page
                yield from self.event_page_read(url, page)
                yield self.final_results_request(event.event_id)
            else:
                # each event is a unit of work: in a shared crawl, one worker assembles it whole
                yield from self.unit_of_work(
                    f"event {event.event_id}",
                    "schedule_event",
                    errback=self.on_crawl_page_failed,
                    event=event,
                )

    def schedule_event(self, event: ScheduledEvent) -> Iterator[Any]:
        """One event of the schedule: its line for the pipeline, then its pages."""
        assert self.tournament_id is not None
        yield EventScheduled(self.tournament_id, event)
        yield from self.event_requests(event.event_id)

    def _schedule_request(self, tournament_id: str) -> scrapy.Request:
        return self.ftl_request(
            schedule_url(self.base_url, tournament_id),
            PageKind.SCHEDULE,
            self.parse_schedule,
            errback=self.on_crawl_page_failed,
        )
