"""The `tournament` crawl's pipeline: the event pipeline, each event also carrying its schedule line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.exceptions import DropItem

from ftl_scraper.items import EventScheduled
from ftl_scraper.models import TournamentEvent
from ftl_scraper.parsers import ScheduledEvent
from ftl_scraper.pipelines.event import EventBundlePipeline

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from ftl_scraper.pipelines.event_assembly import EventAssembly


class TournamentEventPipeline(EventBundlePipeline):
    """Emits one ``TournamentEvent`` per scheduled event, each as soon as that event is done."""

    spider_name: ClassVar[str] = "tournament"

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.schedule: dict[str, ScheduledEvent] = {}

    def event_id_of(self, item: Any) -> str:
        if isinstance(item, EventScheduled):
            return item.event.event_id
        return super().event_id_of(item)

    def fold_in(self, assembly: EventAssembly, item: Any) -> None:
        if isinstance(item, EventScheduled):
            self.schedule[item.event.event_id] = item.event
            raise DropItem("schedule line kept for its event", log_level="DEBUG")
        super().fold_in(assembly, item)

    def build(self, assembly: EventAssembly) -> TournamentEvent:
        line = self.schedule.get(assembly.event_id)
        return TournamentEvent(
            **assembly.bundle_fields(),
            schedule_day=line.day if line else None,
            schedule_status=line.status if line else None,
        )
