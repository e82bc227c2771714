"""Parse each fetched page, validate it, and fold everything into one exported bundle per round."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Self

from pydantic import ValidationError
from scrapy.exceptions import DropItem, NotConfigured

from ftl_scraper.errors import FtlError, ParseError
from ftl_scraper.pipelines.pool_round_assembly import PoolRoundAssembly, PoolRoundPageItem
from ftl_scraper.watch.assemblies import PollAssemblies

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from ftl_scraper.spiders.pools import PoolsSpider
    from ftl_scraper.watch.polling import PollPlan

logger = logging.getLogger(__name__)

_PoolRoundKey = tuple[str, str]  # (event_id, pool_round_id)


class PoolsBundlePipeline:
    """Consumes the spider's raw and failed pages and emits each round's ``PoolsBundle`` as a
    JSON-safe dict, in place of the page that completed the round (see ``pool_round_assembly``).

    Page items are dropped (quietly) once folded in; only bundles reach the feed.

    In a watch, each poll of a round gets an assembly of its own, started from the last poll's
    (``PoolRoundAssembly.next_poll``), so every poll emits one bundle.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.assemblies: PollAssemblies[_PoolRoundKey, PoolRoundAssembly] = PollAssemblies(
            lambda key: PoolRoundAssembly(*key), _next_poll
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if getattr(crawler.spider, "name", None) != "pools":
            raise NotConfigured  # every spider has its own bundle pipeline (see the addon)
        return cls(crawler)

    @property
    def spider(self) -> PoolsSpider:
        return self.crawler.spider  # type: ignore[return-value]

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, PoolRoundPageItem):
            raise TypeError(f"{type(self).__name__} does not know items of type {type(item)}")
        key = (item.event_id, item.pool_round_id)
        poller = self.spider.poller
        assembly = self.assemblies.assembly_for(key, poller.plan if poller is not None else None)
        if assembly is None:
            raise DropItem("its round's bundle is already out", log_level="DEBUG")
        self._fold_in(assembly, item)
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
            spider.record_error(
                problem.with_context(event_id=assembly.event_id, pool_round_id=assembly.pool_round_id)
            )

    def _fold_in(self, assembly: PoolRoundAssembly, item: PoolRoundPageItem) -> None:
        error = assembly.fold_page(item)
        if error is not None:
            self.spider.record_error(error)

    def _bundle(self, assembly: PoolRoundAssembly) -> dict[str, Any]:
        spider = self.spider
        if assembly.failures and not spider.keeps_failed_pages:
            # fail-fast: the first failure already stopped the crawl, and no bundle may be written
            raise DropItem("the round failed", log_level="DEBUG")
        try:
            bundle = assembly.build_bundle()
        except ValidationError as error:
            problem = ParseError(f"the bundle does not validate: {error.errors()[0]['msg']}")
            spider.record_error(problem)
            raise DropItem(str(problem)) from None
        self.crawler.stats.inc_value("ftl/pools", len(bundle.pools))
        return bundle.model_dump(mode="json")


def _next_poll(last: PoolRoundAssembly, plan: PollPlan) -> PoolRoundAssembly:
    return last.next_poll(settled_pool_ids=plan.settled, with_results=plan.with_results)
