"""Parse each fetched page, validate it, and fold everything into one exported bundle per round."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Self

from pydantic import ValidationError
from scrapy.exceptions import DropItem

from ftl_scraper.errors import FtlError, ParseError
from ftl_scraper.items import FailedPage, PageKind, PoolFragmentPage, PoolIdsPage, PoolResultsPage
from ftl_scraper.parsers import parse_pool_html, parse_pool_results
from ftl_scraper.pipelines.pool_round_assembly import PoolRoundAssembly

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from ftl_scraper.spiders.pools import PoolsSpider

logger = logging.getLogger(__name__)

_PoolRoundKey = tuple[str, str]  # (event_id, pool_round_id)
_PoolRoundPageItem = PoolIdsPage | PoolFragmentPage | PoolResultsPage | FailedPage


class PoolsBundlePipeline:
    """Consumes the spider's raw and failed pages and emits each round's ``PoolsBundle`` as a
    JSON-safe dict, in place of the page that completed the round (see ``pool_round_assembly``).

    Page items are dropped (quietly) once folded in; only bundles reach the feed.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.assemblies: dict[_PoolRoundKey, PoolRoundAssembly] = {}
        self.emitted: set[_PoolRoundKey] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @property
    def spider(self) -> PoolsSpider:
        return self.crawler.spider  # type: ignore[return-value]

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, _PoolRoundPageItem):
            raise TypeError(f"{type(self).__name__} does not know items of type {type(item)}")
        key = (item.event_id, item.pool_round_id)
        if key in self.emitted:
            raise DropItem("its round's bundle is already out", log_level="DEBUG")
        assembly = self.assemblies.setdefault(key, PoolRoundAssembly(*key))
        self._fold_in(assembly, item)
        if not assembly.is_done:
            raise DropItem("folded into the bundle", log_level="DEBUG")
        del self.assemblies[key]
        self.emitted.add(key)
        return self._bundle(assembly)

    def close_spider(self) -> None:
        spider = self.spider
        if spider.errors and not spider.partial:
            return  # fail-fast stopped the crawl: its first error says why there is no bundle
        for assembly in self.assemblies.values():
            # a page that neither arrived nor failed was dropped somewhere: say which
            problem = FtlError(f"the crawl ended without {assembly.missing_pages()[0]}")
            spider.record_error(
                problem.with_context(event_id=assembly.event_id, pool_round_id=assembly.pool_round_id)
            )

    def _fold_in(self, assembly: PoolRoundAssembly, item: _PoolRoundPageItem) -> None:
        if isinstance(item, FailedPage):
            assembly.record_failed_page(item.kind, item.error, item.pool_id)
            return
        context = {"event_id": assembly.event_id, "pool_round_id": assembly.pool_round_id}
        if isinstance(item, PoolIdsPage):
            assembly.fold_pool_ids(item.pool_ids)
        elif isinstance(item, PoolFragmentPage):
            try:
                assembly.fold_pool(parse_pool_html(item.html, item.pool_id))
            except FtlError as error:
                error.with_context(url=item.url, pool_id=item.pool_id, **context)
                self._record_failure(assembly, PageKind.POOL_FRAGMENT, error, item.pool_id)
        else:
            try:
                assembly.fold_results(parse_pool_results(item.body, **context))
            except FtlError as error:
                self._record_failure(
                    assembly, PageKind.POOL_RESULTS, error.with_context(url=item.url, **context)
                )

    def _record_failure(
        self, assembly: PoolRoundAssembly, kind: PageKind, error: FtlError, pool_id: str | None = None
    ) -> None:
        assembly.record_failed_page(kind, error, pool_id)
        self.spider.record_error(error)

    def _bundle(self, assembly: PoolRoundAssembly) -> dict[str, Any]:
        spider = self.spider
        if assembly.failures and not spider.partial:
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
