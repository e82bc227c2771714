"""What every FTL spider shares: its requests to FTL, and how a failed page stops or joins the crawl."""

from __future__ import annotations

import logging
from functools import cached_property
from typing import Any

import scrapy
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

from ftl_scraper.errors import FtlError
from ftl_scraper.fetching.downloader import CrawlStopping, discard_queued_requests
from ftl_scraper.fetching.failures import error_from_failure
from ftl_scraper.items import PageKind
from ftl_scraper.site.urls import normalize_base_url
from ftl_scraper.spiders.arguments import SpiderArguments

logger = logging.getLogger(__name__)

#: which page a request fetches, for its errback
PAGE_KIND_META = "ftl_page_kind"


class FtlSpider(scrapy.Spider):
    """Base of the project's spiders: requests to FTL_BASE_URL and the errors of failed pages.

    By default a crawl is fail-fast unless ``partial``; a spider changes that in ``stop_reason``.
    """

    arguments: SpiderArguments
    force_refresh: bool = False
    partial: bool = False

    def __init__(self) -> None:
        super().__init__()
        #: every page that could not be fetched or read, in the order it failed
        self.errors: list[FtlError] = []

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
        return "ftl_error" if not self.partial and len(self.errors) == 1 else None

    def record_error(self, error: FtlError) -> None:
        """Keep a failed page; stop the crawl at once when ``stop_reason`` says so."""
        error.with_context(**self.error_context())
        self.errors.append(error)
        self.crawler.stats.inc_value("ftl/errors")
        logger.error("%s", error)
        reason = self.stop_reason(error)
        if reason is not None:
            # requests waiting for a transfer slot must not reach FTL any more
            discard_queued_requests(self.crawler)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))

    def request_priority(self, kind: PageKind, cb_kwargs: dict[str, Any]) -> int:
        """Scrapy's priority for a request of this kind (higher goes out first)."""
        return 0

    def ftl_request(
        self, url: str, kind: PageKind, callback: Any, errback: Any = None, **cb_kwargs: Any
    ) -> scrapy.Request:
        return scrapy.Request(
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

    @staticmethod
    def error_of(failure: Failure) -> FtlError | None:
        """The project's error for a failed request; None when the crawl dropped it on stopping."""
        if failure.check(CrawlStopping):
            return None  # not a cause of its own
        request = failure.request  # type: ignore[attr-defined]
        return error_from_failure(failure, url=request.url, timeout=request.meta.get("download_timeout"))

    def on_request_failed(self, failure: Failure) -> Any:
        raise NotImplementedError
