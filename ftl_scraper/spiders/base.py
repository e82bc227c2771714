"""What every FTL spider shares: its requests to FTL, how a failed page stops or joins the crawl, and
the hooks of a watch (``-a watch``) for the spiders that offer one."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Self

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from ftl_scraper.errors import FtlError
from ftl_scraper.fetching.downloader import CrawlStopping, stop_crawl
from ftl_scraper.fetching.failures import error_from_failure
from ftl_scraper.items import PageKind
from ftl_scraper.site.urls import normalize_base_url
from ftl_scraper.spiders.arguments import SpiderArguments
from ftl_scraper.watch.polling import Poller, poll_interval

if TYPE_CHECKING:
    from ftl_scraper.watch.fencer_filter import FencerFilter
    from ftl_scraper.watch.pipeline import BundleWatcher

logger = logging.getLogger(__name__)

#: which page a request fetches, for its errback
PAGE_KIND_META = "ftl_page_kind"


class FtlSpider(scrapy.Spider):
    """Base of the project's spiders: requests to FTL_BASE_URL and the errors of failed pages.

    By default a crawl is fail-fast unless ``partial``; a spider changes that in ``stop_reason``.
    A spider that can watch takes ``WatchArguments`` and offers ``poll_requests``; with ``-a watch``
    it gets a ``poller``, which runs poll after poll in the one crawl.
    """

    #: validates the ``-a`` arguments; the ``crawl`` command checks them with it before crawling
    arguments_model: ClassVar[type[SpiderArguments]]
    arguments: SpiderArguments
    #: what a watch compares polls with, whom it follows and where it keeps the bundle; set in
    #: ``from_crawler`` for a watch only
    watcher: BundleWatcher
    fencer_filter: FencerFilter | None = None
    snapshot_path: str | None = None
    force_refresh: bool = False
    partial: bool = False
    #: what the crawl command says on stderr before the first error when it exits 3
    incomplete_output: ClassVar[str] = "partial bundle written"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args:
            raise TypeError(f"{type(self).__name__} takes keyword arguments only")
        self.arguments = self.arguments_model.parse(kwargs)
        # not the keywords: Scrapy's Spider would make each one an attribute, the model holds them
        super().__init__()
        self.force_refresh = getattr(self.arguments, "force_refresh", False)
        self.partial = getattr(self.arguments, "partial", False)
        #: every page that could not be fetched or read, in the order it failed (in a watch: this poll)
        self.errors: list[FtlError] = []
        self._closing = False
        #: a watch's polls (a Poller needs the settings: set in from_crawler); None for a crawl
        self.poller: Poller | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        watch_seconds = getattr(spider.arguments, "watch", None)
        if watch_seconds is not None:
            spider.start_watch(crawler, watch_seconds)
        return spider

    def start_watch(self, crawler: Crawler, watch_seconds: float) -> None:
        # imported for a watch only: the change-line models are a good part of a crawl's start-up
        from ftl_scraper.watch.fencer_filter import FencerFilter

        self.poller = Poller(self, poll_interval(crawler.settings, watch_seconds))
        crawler.signals.connect(self.poller.on_idle, signal=signals.spider_idle)
        self.watcher = self.make_watcher()
        fencers = getattr(self.arguments, "fencers", None)
        self.fencer_filter = FencerFilter.parse(fencers) if fencers else None
        self.snapshot_path = getattr(self.arguments, "snapshot", None)

    def make_watcher(self) -> BundleWatcher:
        """What a watch compares its polls with; a spider that can watch implements it."""
        raise NotImplementedError

    @property
    def streams_output(self) -> bool:
        """A watch's feed is written line by line as changes are seen (see output/change_stream.py)."""
        return self.poller is not None

    @property
    def keeps_failed_pages(self) -> bool:
        """Whether a failed page counts as in (the bundle still comes out): in partial mode, and in
        a watch once its snapshot is out (the page keeps its last content until the next poll)."""
        return self.partial or (self.poller is not None and self.poller.has_snapshot)

    def unchanged(self, response: Response) -> bool:
        """In a watch: FTL answered 304, the page is as at the last poll."""
        return self.poller is not None and self.poller.unchanged(response)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self.url_on_ftl():
            return
        for request in self.poll_requests():
            yield request

    def poll_requests(self) -> Iterable[scrapy.Request]:
        """The first pages of a crawl, and those of each poll of a watch."""
        raise NotImplementedError

    @cached_property
    def base_url(self) -> str:
        # read once the crawl has started: the spider is made before the addon sets the defaults
        return normalize_base_url(self.crawler.settings.get("FTL_BASE_URL"))

    def url_on_ftl(self) -> bool:
        """Whether the ``url`` argument is on FTL_BASE_URL's host (``scrapy crawl`` checks it up
        front; this covers crawls started from Python); records the error when it is not."""
        try:
            self.arguments.check_host(self.base_url)
        except FtlError as error:
            self.record_error(error)
            return False
        return True

    def error_context(self) -> dict[str, str]:
        """The IDs every error of this crawl is tagged with (event, round or tableau)."""
        return {}

    def stop_reason(self, error: FtlError) -> str | None:
        """The finish reason when ``error`` stops the crawl; None when the crawl goes on."""
        # fail-fast: the first error stops the crawl, unless partial
        return "ftl_error" if not self.partial else None

    def record_error(self, error: FtlError) -> None:
        """Keep a failed page; stop the crawl at once when ``stop_reason`` says so, unless a watch
        can read the page again at its next poll."""
        error.with_context(**self.error_context())
        self.errors.append(error)
        self.crawler.stats.inc_value("ftl/errors")
        if self.poller is not None and self.poller.tolerates(error):
            logger.warning("%s; trying again at the next poll", error)
            return
        logger.error("%s", error)
        reason = self.stop_reason(error)
        # once only: a watch clears its errors at every poll, so their count cannot tell
        if reason is not None and not self._closing:
            self._closing = True
            stop_crawl(self.crawler, reason)

    def request_priority(self, kind: PageKind, cb_kwargs: dict[str, Any]) -> int:
        """Scrapy's priority for a request of this kind (higher goes out first)."""
        return 0

    def ftl_request(
        self, url: str, kind: PageKind, callback: Any, errback: Any = None, **cb_kwargs: Any
    ) -> scrapy.Request:
        request = scrapy.Request(
            url,
            callback=callback,
            errback=errback or self.on_request_failed,
            cb_kwargs=cb_kwargs,
            priority=self.request_priority(kind, cb_kwargs),
            meta={"force_refresh": self.force_refresh, PAGE_KIND_META: kind},
            # the pages are de-duplicated by the parsers and spiders already; the dupe filter could
            # only drop a page without telling its errback, which would leave a hole in the bundle
            dont_filter=True,
        )
        return self.poller.prepare(request) if self.poller is not None else request

    @staticmethod
    def error_of(failure: Failure) -> FtlError | None:
        """The project's error for a failed request; None when the crawl dropped it on stopping."""
        if failure.check(CrawlStopping):
            return None  # not a cause of its own
        request = failure.request  # type: ignore[attr-defined]
        return error_from_failure(failure, url=request.url, timeout=request.meta.get("download_timeout"))

    def on_request_failed(self, failure: Failure) -> Any:
        raise NotImplementedError

    def closed(self, reason: str) -> None:
        if self.poller is not None:
            self.poller.stop()
