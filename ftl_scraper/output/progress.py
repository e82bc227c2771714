"""A progress line on stderr for crawls of more than one round: events done / found, pages, errors."""

from __future__ import annotations

import sys
import time
from typing import IO, Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

# at most this often while pages come in; every exported event refreshes it too
_REFRESH_SECONDS = 1.0


class CrawlProgress:
    """Rewrites one status line in place on a terminal (``\\r``); elsewhere (a log file, a pipe)
    writes a line per exported event only, so a long crawl does not flood its log."""

    def __init__(self, crawler: Crawler, stream: IO[str]) -> None:
        self.crawler = crawler
        self.stream = stream
        self.in_place = stream.isatty()
        self._last_shown = 0.0
        self._shown_any = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("FTL_PROGRESS", True):
            raise NotConfigured
        if getattr(crawler.spider, "name", None) not in ("event", "tournament"):
            raise NotConfigured  # one round: the summary line says it all
        if getattr(crawler.spider, "poller", None) is not None:
            raise NotConfigured  # a watch: its change lines are its progress
        progress = cls(crawler, sys.stderr)
        crawler.signals.connect(progress.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(progress.response_received, signal=signals.response_received)
        crawler.signals.connect(progress.spider_closed, signal=signals.spider_closed)
        return progress

    def item_scraped(self) -> None:
        self._show()

    def response_received(self) -> None:
        if self.in_place and time.monotonic() - self._last_shown >= _REFRESH_SECONDS:
            self._show()

    def spider_closed(self) -> None:
        if self.in_place and self._shown_any:
            self.stream.write("\n")  # leave the last state on screen, and the summary below it
            self.stream.flush()

    def _show(self) -> None:
        stats = self.crawler.stats.get_stats()
        if stats.get("ftl/rounds_found", 0) <= 1 and stats.get("ftl/events_found", 0) <= 1:
            return  # a single round: the summary line says it all
        self._last_shown = time.monotonic()
        self._shown_any = True
        line = progress_line(stats)
        self.stream.write(f"\r{line}\x1b[K" if self.in_place else f"{line}\n")
        self.stream.flush()


def progress_line(stats: dict[str, Any]) -> str:
    """E.g. ``ftl_scraper: 3/20 events done, 7 pool rounds found, 212 pages fetched, 1 error``."""
    done = stats.get("ftl/events_done", 0)
    found = stats.get("ftl/events_found")
    events = f"{done}/{found} events done" if found is not None else f"{done} events done"
    errors = stats.get("ftl/errors", 0)
    return (
        f"ftl_scraper: {events}, {stats.get('ftl/rounds_found', 0)} pool rounds found, "
        f"{stats.get('response_received_count', 0)} pages fetched, "
        f"{errors} error{'s' * (errors != 1)}"
    )
