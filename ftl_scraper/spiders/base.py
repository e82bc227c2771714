"""What every FTL spider shares: its requests to FTL, and how a failed page stops or joins the crawl."""

from __future__ import annotations

import logging
from typing import Any

import scrapy
from scrapy.utils.defer import deferred_from_coro

from ftl_scraper.errors import FtlError
from ftl_scraper.fetching.downloader import discard_queued_requests
from ftl_scraper.items import PageKind

logger = logging.getLogger(__name__)

#: which page a request fetches, for its errback
PAGE_KIND_META = "ftl_page_kind"


class FtlSpider(scrapy.Spider):
    """Base of the spiders that fetch FTL pages for one bundle, fail-fast unless ``partial``."""

    force_refresh: bool = False
    partial: bool = False

    def __init__(self) -> None:
        super().__init__()
        #: every page that could not be fetched or read, in the order it failed
        self.errors: list[FtlError] = []

    def error_context(self) -> dict[str, str]:
        """The IDs every error of this crawl is tagged with (event, round or tableau)."""
        raise NotImplementedError

    def record_error(self, error: FtlError) -> None:
        """Keep a failed page; unless in partial mode, stop the crawl at once."""
        error.with_context(**self.error_context())
        self.errors.append(error)
        self.crawler.stats.inc_value("ftl/errors")
        logger.error("%s", error)
        if not self.partial and len(self.errors) == 1:
            # fail-fast: requests waiting for a transfer slot must not reach FTL any more
            discard_queued_requests(self.crawler)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="ftl_error"))

    def ftl_request(self, url: str, kind: PageKind, callback: Any, **cb_kwargs: Any) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_request_failed,
            cb_kwargs=cb_kwargs,
            meta={"force_refresh": self.force_refresh, PAGE_KIND_META: kind},
            # the pages are de-duplicated by the parsers already; the dupe filter could only drop
            # a page without telling its errback, which would leave a hole in the bundle
            dont_filter=True,
        )

    def on_request_failed(self, failure: Any) -> Any:
        raise NotImplementedError
