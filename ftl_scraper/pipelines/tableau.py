"""Parse and fold each page of the `tableau` crawl, and emit the tableau's bundle as soon as every
page of it is in or has failed (see ``tableau_assembly``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from pydantic import ValidationError
from scrapy.exceptions import DropItem, NotConfigured

from ftl_scraper.errors import FtlError, ParseError
from ftl_scraper.pipelines.tableau_assembly import TableauAssembly, TableauPageItem
from ftl_scraper.watch.assemblies import PollAssemblies

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from ftl_scraper.spiders.tableau import TableauSpider
    from ftl_scraper.watch.polling import PollPlan

_TableauKey = tuple[str, str]  # (event_id, tableau_id)


class TableauBundlePipeline:
    """Consumes the spider's raw and failed pages and emits each tableau's ``TableauBundle`` as a
    JSON-safe dict, in place of the page that completed it. Page items are dropped (quietly).

    In a watch, each poll gets an assembly of its own, started from the last poll's
    (``TableauAssembly.next_poll``), so every poll emits one bundle.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.assemblies: PollAssemblies[_TableauKey, TableauAssembly] = PollAssemblies(
            lambda key: TableauAssembly(*key), _next_poll
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if getattr(crawler.spider, "name", None) != "tableau":
            raise NotConfigured  # every spider has its own bundle pipeline (see the addon)
        return cls(crawler)

    @property
    def spider(self) -> TableauSpider:
        return self.crawler.spider  # type: ignore[return-value]

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, TableauPageItem):
            raise TypeError(f"{type(self).__name__} does not know items of type {type(item)}")
        key = (item.event_id, item.tableau_id)
        poller = self.spider.poller
        assembly = self.assemblies.assembly_for(key, poller.plan if poller is not None else None)
        if assembly is None:
            raise DropItem("its tableau's bundle is already out", log_level="DEBUG")
        error = assembly.fold_page(item)
        if error is not None:
            self.spider.record_error(error)
        if not assembly.is_done:
            raise DropItem("folded into the bundle", log_level="DEBUG")
        self.assemblies.bundle_out(key)
        return self._bundle(assembly)

    def close_spider(self) -> None:
        spider = self.spider
        if spider.errors and not spider.partial:
            return  # fail-fast stopped the crawl: its first error says why there is no bundle
        if spider.poller is not None and spider.poller.has_snapshot:
            return  # a watch stopped between or during polls: every bundle it had is out
        for assembly in self.assemblies.open.values():
            # a page that neither arrived nor failed was dropped somewhere: say which
            problem = FtlError(f"the crawl ended without {assembly.missing_pages()[0]}")
            spider.record_error(problem.with_context(**assembly.context))

    def _bundle(self, assembly: TableauAssembly) -> dict[str, Any]:
        spider = self.spider
        if assembly.failures and not spider.keeps_failed_pages:
            # fail-fast: the first failure already stopped the crawl, and no bundle may be written
            raise DropItem("the tableau failed", log_level="DEBUG")
        try:
            bundle = assembly.build_bundle()
        except ValidationError as error:
            problem = ParseError(f"the bundle does not validate: {error.errors()[0]['msg']}")
            spider.record_error(problem)
            raise DropItem(str(problem)) from None
        self.crawler.stats.inc_value("ftl/trees", len(bundle.trees))
        return bundle.model_dump(mode="json")


def _next_poll(last: TableauAssembly, plan: PollPlan) -> TableauAssembly:
    return last.next_poll(settled_tree_ids=plan.settled)
