"""What the `pools` and `tableau` pipelines share: one assembly per bundle, emitted in place of the
page that completes it, one per poll in a watch, and the rules for a failed or unfinished bundle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, Self, TypeVar

from pydantic import BaseModel, ValidationError
from scrapy.exceptions import DropItem, NotConfigured

from ftl_scraper.errors import FtlError, ParseError
from ftl_scraper.watch.assemblies import PollAssemblies

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from ftl_scraper.spiders.base import FtlSpider
    from ftl_scraper.watch.polling import PollPlan


class Assembly(Protocol):
    """What a bundle pipeline asks of an assembly (``PoolRoundAssembly``, ``TableauAssembly``)."""

    failures: list[FtlError]

    @property
    def is_done(self) -> bool: ...

    @property
    def context(self) -> dict[str, str]: ...

    def fold_page(self, item: Any) -> FtlError | None: ...

    def missing_pages(self) -> list[str]: ...

    def build_bundle(self) -> BaseModel: ...


AssemblyT = TypeVar("AssemblyT", bound=Assembly)
BundleKey = tuple[str, str]  # (event_id, pool_round_id or tableau_id)


class SingleBundlePipeline(Generic[AssemblyT]):
    """Consumes one spider's raw and failed pages and emits each bundle as a JSON-safe dict, in
    place of the page that completed it; page items are dropped (quietly) once folded in.

    In a watch, each poll gets an assembly of its own, carried over from the last poll's, so every
    poll emits one bundle. Subclasses say which spider, items and assembly they are for.
    """

    #: the spider whose pages this pipeline assembles (each spider has its own bundle pipeline)
    spider_name: ClassVar[str]
    #: the page items it folds in (anything else is a programming error)
    page_items: ClassVar[Any]
    #: what one bundle is, for messages: "round", "tableau"
    bundle_noun: ClassVar[str]

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.assemblies: PollAssemblies[BundleKey, AssemblyT] = PollAssemblies(
            self.new_assembly, self.next_poll
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if getattr(crawler.spider, "name", None) != cls.spider_name:
            raise NotConfigured  # every spider has its own bundle pipeline (see the addon)
        return cls(crawler)

    @property
    def spider(self) -> FtlSpider:
        return self.crawler.spider  # type: ignore[return-value]

    # --- what each bundle kind says -----------------------------------------------------------

    def key_of(self, item: Any) -> BundleKey:
        raise NotImplementedError

    def new_assembly(self, key: BundleKey) -> AssemblyT:
        raise NotImplementedError

    def next_poll(self, last: AssemblyT, plan: PollPlan) -> AssemblyT:
        raise NotImplementedError

    def count_bundle(self, bundle: Any) -> None:
        """Add the bundle's size to the crawl's stats (the summary line reads them)."""

    # --- the shared rules ---------------------------------------------------------------------

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, self.page_items):
            raise TypeError(f"{type(self).__name__} does not know items of type {type(item)}")
        key = self.key_of(item)
        poller = self.spider.poller
        assembly = self.assemblies.assembly_for(key, poller.plan if poller is not None else None)
        if assembly is None:
            raise DropItem(f"its {self.bundle_noun}'s bundle is already out", log_level="DEBUG")
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

    def _bundle(self, assembly: AssemblyT) -> dict[str, Any]:
        spider = self.spider
        if assembly.failures and not spider.keeps_failed_pages:
            # fail-fast: the first failure already stopped the crawl, and no bundle may be written
            raise DropItem(f"the {self.bundle_noun} failed", log_level="DEBUG")
        try:
            bundle = assembly.build_bundle()
        except ValidationError as error:
            problem = ParseError(f"the bundle does not validate: {error.errors()[0]['msg']}")
            spider.record_error(problem)
            raise DropItem(str(problem)) from None
        self.count_bundle(bundle)
        return bundle.model_dump(mode="json")
