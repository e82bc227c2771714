"""A short run report: quiet Scrapy's startup and stats chatter, log one summary line at the end."""

from __future__ import annotations

import logging
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from ftl_scraper.output.feeds import is_stdout, output_error

logger = logging.getLogger(__name__)

#: Loggers whose INFO output is Scrapy's own bookkeeping (component lists, overridden settings,
#: the per-minute LogStats line, the stats dump, "Spider opened/closed", "Stored json feed").
#: Their warnings and errors still show; ``-L DEBUG`` shows everything.
CHATTY_LOGGERS = (
    "scrapy.addons",
    "scrapy.middleware",
    "scrapy.crawler",
    "scrapy.utils.log",
    "scrapy.core.engine",
    "scrapy.extensions.logstats",
    "scrapy.extensions.feedexport",
    "scrapy.statscollectors",
)


def quiet_scrapy_chatter(settings: BaseSettings) -> None:
    """Raise Scrapy's bookkeeping loggers to WARNING, unless the run logs at DEBUG.

    Call it as early as possible (the crawl command does, before Scrapy logs "Enabled addons").
    """
    # NOTSET hands the decision back to the handler's level, which -L sets
    level = logging.NOTSET if is_debug_run(settings) else logging.WARNING
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(level)


def is_debug_run(settings: BaseSettings) -> bool:
    return logging.getLevelName(str(settings.get("LOG_LEVEL", "DEBUG")).upper()) == logging.DEBUG


class CrawlSummary:
    """At close, one INFO line: pools fetched, retries, cache hits, errors, and where the bundle went."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._reason = "not started"

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.feed_exporter_closed, signal=signals.feed_exporter_closed)
        return extension

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self._reason = reason
        if not self._outputs():
            self._log_summary()

    def feed_exporter_closed(self) -> None:
        # the feeds are stored after spider_closed: only now is it known whether that worked
        self._log_summary()

    def _log_summary(self) -> None:
        stats = self.crawler.stats.get_stats()
        spider = self.crawler.spider
        assert spider is not None
        line = watch_summary_line if getattr(spider, "poller", None) is not None else summary_line
        logger.info("%s", line(stats, self._outputs(), spider, self._reason))

    def _outputs(self) -> list[str]:
        feeds: dict[str, Any] = self.crawler.settings.getdict("FEEDS")
        return ["stdout" if is_stdout(str(uri)) else str(uri) for uri in feeds]


def summary_line(stats: dict[str, Any], outputs: list[str], spider: Spider, reason: str) -> str:
    """E.g. ``pools crawl finished for event … round …: 24 pools fetched, 2 retries, 26 cache hits,
    0 errors; bundle written to round.json``."""
    where = _where(spider)
    events: tuple[str, ...] = ()
    if "ftl/events_done" in stats or "ftl/events_found" in stats:
        # event and tournament crawls: what was crawled, and how much of it failed
        done, incomplete = stats.get("ftl/events_done", 0), stats.get("ftl/events_incomplete", 0)
        events = (
            f"{_count(done, 'event', 'events')} ({incomplete} incomplete)",
            _count(stats.get("ftl/rounds", 0), "pool round", "pool rounds"),
        )
    fetched = []
    if spider.name != "tableau":
        fetched.append(_count(stats.get("ftl/pools", 0), "pool", "pools"))
    if spider.name == "tableau" or "ftl/trees" in stats:
        fetched.append(_count(stats.get("ftl/trees", 0), "tree", "trees"))
    counts = ", ".join(
        (
            *events,
            f"{', '.join(fetched)} fetched",
            _count(stats.get("retry/count", 0), "retry", "retries"),
            _count(stats.get("httpcache/hit", 0), "cache hit", "cache hits"),
            _count(stats.get("ftl/errors", 0), "error", "errors"),
        )
    )
    exported = stats.get("item_scraped_count", 0)
    # a tournament keeps the events it exported even when the crawl stops early
    written = exported >= 1 and (reason == "finished" or spider.name == "tournament")
    if output_error(stats) is not None:
        written = False
    bundles = "bundle" if exported == 1 else f"{exported} bundles"
    if written and outputs:
        result = f"{bundles} written to {', '.join(outputs)}"
    elif written:
        result = f"{bundles} produced (no output file given)"
    else:
        result = "no bundle written"
    # "failed" in so many words: under Scrapyd this line is all a job's log says about the outcome
    ended = "finished" if reason == "finished" else f"failed ({reason})"
    return f"{spider.name} crawl {ended} for {where}: {counts}; {result}"


def watch_summary_line(stats: dict[str, Any], outputs: list[str], spider: Spider, reason: str) -> str:
    """E.g. ``pools watch finished for event … round …: 38 polls, 44 changes, 51 pages unchanged,
    0 retries, 0 errors; changes written to changes.jsonl``."""
    where = _where(spider)
    counts = ", ".join(
        (
            _count(stats.get("ftl/watch/polls", 0), "poll", "polls"),
            _count(stats.get("ftl/watch/changes", 0), "change", "changes"),
            _count(stats.get("ftl/watch/not_modified", 0), "page unchanged", "pages unchanged"),
            _count(stats.get("retry/count", 0), "retry", "retries"),
            _count(stats.get("ftl/errors", 0), "error", "errors"),
        )
    )
    if not stats.get("ftl/watch/changes"):
        written = "nothing written"
    elif outputs:
        written = "changes written to " + ", ".join(outputs)
    else:
        written = "no output file given"
    # a watch ends when the round is over or when it is stopped; "failed" otherwise, as a crawl says
    ended = {"finished": "finished", "shutdown": "stopped"}.get(reason, f"failed ({reason})")
    return f"{spider.name} watch {ended} for {where}: {counts}; {written}"


def _where(spider: Spider) -> str:
    return " ".join(
        f"{label} {value}"
        for label, value in (
            ("tournament", getattr(spider, "tournament_id", None)),
            ("event", getattr(spider, "event_id", None) if spider.name != "tournament" else None),
            ("round", getattr(spider, "pool_round_id", None)),
            ("tableau", getattr(spider, "tableau_id", None)),
        )
        if value
    )


def _count(value: int, singular: str, plural: str) -> str:
    return f"{value} {singular if value == 1 else plural}"
