"""Parse and fold each page of the `event` crawl into its event (pool rounds and tableaus included),
and emit the event's bundle as soon as every page of it is in or has failed (see ``event_assembly``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

from pydantic import BaseModel, ValidationError
from scrapy.exceptions import DropItem, NotConfigured

from ftl_scraper.errors import FtlError, ParseError
from ftl_scraper.items import EventPageRead, FailedEventPage, FinalResultsPage, PageKind, UnchangedEventPage
from ftl_scraper.parsers import parse_final_results
from ftl_scraper.pipelines.event_assembly import EventAssembly
from ftl_scraper.pipelines.pool_round_assembly import PoolRoundPageItem
from ftl_scraper.pipelines.tableau_assembly import TableauPageItem
from ftl_scraper.watch.assemblies import PollAssemblies

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from ftl_scraper.spiders.event_pages import EventPagesSpider
    from ftl_scraper.watch.polling import PollPlan

#: the pages of the event itself; its rounds' and tableaus' pages are their assemblies' item types
_EVENT_ITEMS = EventPageRead | FinalResultsPage | FailedEventPage | UnchangedEventPage


class EventBundlePipeline:
    """Consumes the spider's raw and failed pages and emits each event's ``EventBundle`` as a
    JSON-safe dict, in place of the page that completed the event; other items are dropped.

    In a watch (``event -a watch``), each poll gets an assembly of its own, carried over from the
    last poll's (``EventAssembly.next_poll``), so every poll emits one bundle.
    """

    #: the spider whose items this pipeline assembles (each spider has its own bundle pipeline)
    spider_name: ClassVar[str] = "event"

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.assemblies: PollAssemblies[str, EventAssembly] = PollAssemblies(EventAssembly, self.next_poll)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if getattr(crawler.spider, "name", None) != cls.spider_name:
            raise NotConfigured
        return cls(crawler)

    @property
    def spider(self) -> EventPagesSpider:
        return self.crawler.spider  # type: ignore[return-value]

    def process_item(self, item: Any) -> Any:
        event_id = self.event_id_of(item)
        poller = self.spider.poller
        assembly = self.assemblies.assembly_for(event_id, poller.plan if poller is not None else None)
        if assembly is None:
            raise DropItem("its event's bundle is already out", log_level="DEBUG")
        self.fold_in(assembly, item)
        if not assembly.is_done:
            raise DropItem("folded into the event", log_level="DEBUG")
        self.assemblies.bundle_out(event_id)
        if poller is not None and not poller.has_snapshot and assembly.all_failures:
            # a watch's first poll is fail-fast: its first error already stopped the watch
            raise DropItem("the event failed", log_level="DEBUG")
        return self._export(assembly)

    @staticmethod
    def next_poll(last: EventAssembly, plan: PollPlan) -> EventAssembly:
        return last.next_poll(plan)

    def close_spider(self) -> None:
        poller = self.spider.poller
        if poller is not None and (poller.has_snapshot or self.spider.errors):
            return  # a watch stopped between or during polls, or its first poll failed
        for assembly in self.assemblies.open.values():
            # a page that neither arrived nor failed was dropped somewhere (or the crawl stopped)
            self.spider.record_error(
                FtlError(f"the crawl ended without {assembly.missing_pages()[0]}", event_id=assembly.event_id)
            )

    def event_id_of(self, item: Any) -> str:
        if not isinstance(item, _EVENT_ITEMS | PoolRoundPageItem | TableauPageItem):
            raise TypeError(f"{type(self).__name__} does not know items of type {type(item)}")
        return item.event_id

    def fold_in(self, assembly: EventAssembly, item: Any) -> None:
        if isinstance(item, EventPageRead):
            assembly.fold_event_page(item.page)
        elif isinstance(item, FailedEventPage):
            assembly.record_failed_page(item.kind, item.error)
        elif isinstance(item, UnchangedEventPage):
            assembly.fold_unchanged(item.kind)
        elif isinstance(item, FinalResultsPage):
            try:
                assembly.fold_final_results(parse_final_results(item.body, item.event_id))
            except FtlError as error:
                error.with_context(url=item.url)
                assembly.record_failed_page(PageKind.FINAL_RESULTS, error)
                self.spider.record_error(error)
        elif isinstance(item, TableauPageItem):
            tableau = assembly.tableau(item.tableau_id)
            if tableau is None:
                raise DropItem(f"tableau {item.tableau_id} is not linked by its event page")
            if (unreadable := tableau.fold_page(item)) is not None:
                self.spider.record_error(unreadable)
        else:
            pool_round = assembly.round(item.pool_round_id)
            if pool_round is None:
                raise DropItem(f"round {item.pool_round_id} is not linked by its event page")
            if (unreadable := pool_round.fold_page(item)) is not None:
                self.spider.record_error(unreadable)

    def build(self, assembly: EventAssembly) -> BaseModel:
        """The exported model of a finished event."""
        return assembly.build_bundle()

    def _export(self, assembly: EventAssembly) -> dict[str, Any]:
        stats = self.crawler.stats
        try:
            bundle = self.build(assembly)
        except ValidationError as error:
            problem = ParseError(
                f"the event's bundle does not validate: {error.errors()[0]['msg']}",
                event_id=assembly.event_id,
            )
            self.spider.record_error(problem)
            raise DropItem(str(problem)) from None
        stats.inc_value("ftl/events_done")
        stats.inc_value("ftl/rounds", len(assembly.rounds))
        stats.inc_value("ftl/pools", sum(len(pool_round.pools) for pool_round in assembly.rounds.values()))
        stats.inc_value("ftl/trees", sum(len(tableau.trees) for tableau in assembly.tableaus.values()))
        if assembly.all_failures:
            stats.inc_value("ftl/events_incomplete")
        return bundle.model_dump(mode="json")
