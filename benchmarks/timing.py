"""Benchmark-only Scrapy extension: writes crawl milestones and the final stats to a JSON file.

Enabled by ``benchmarks/run.py`` with ``-s EXTENSIONS={"benchmarks.timing.CrawlTimer": 0}`` and
``-s BENCHMARK_TIMING_FILE=<path>``; the project itself never loads it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response


class CrawlTimer:
    """Records ``time.time()`` at each milestone, so the parent process can line them up with its own
    clock, and the process's CPU time (``time.process_time()``) alongside.

    Milestones: ``engine_started``, ``first_request`` / ``last_response`` (network only, not
    cache hits), ``first_idle``, ``bundle_scraped``, ``spider_closed``,
    ``feed_stored`` (the bundle is on disk) and ``engine_stopped``. The file is written once, at
    ``engine_stopped``, with the Scrapy stats (``memusage/max`` included when MemoryUsage runs).
    """

    def __init__(self, crawler: Crawler, path: Path) -> None:
        self.crawler = crawler
        self.path = path
        self.marks: dict[str, float] = {}
        self.cpu_marks: dict[str, float] = {}
        self.network_requests = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        path = crawler.settings.get("BENCHMARK_TIMING_FILE")
        if not path:
            raise NotConfigured("BENCHMARK_TIMING_FILE is not set")
        timer = cls(crawler, Path(path))
        for handler, signal in (
            (timer.engine_started, signals.engine_started),
            (timer.request_reached_downloader, signals.request_reached_downloader),
            (timer.response_downloaded, signals.response_downloaded),
            (timer.spider_idle, signals.spider_idle),
            (timer.item_scraped, signals.item_scraped),
            (timer.spider_closed, signals.spider_closed),
            (timer.feed_exporter_closed, signals.feed_exporter_closed),
            (timer.engine_stopped, signals.engine_stopped),
        ):
            crawler.signals.connect(handler, signal=signal)
        return timer

    def _mark(self, name: str, *, overwrite: bool = False) -> None:
        if overwrite or name not in self.marks:
            self.marks[name] = time.time()
            self.cpu_marks[name] = time.process_time()

    def engine_started(self) -> None:
        self._mark("engine_started")

    def request_reached_downloader(self, request: Request, spider: Spider) -> None:
        if request.url.startswith("http"):
            self._mark("first_request")

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        # response_downloaded fires for network responses only (HttpCache hits skip the handler)
        if response.url.startswith("http"):
            self.network_requests += 1
            self._mark("last_response", overwrite=True)

    def spider_idle(self, spider: Spider) -> None:
        self._mark("first_idle")

    def item_scraped(self, item: Any, response: Response, spider: Spider) -> None:
        self._mark("bundle_scraped")

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self._mark("spider_closed")

    def feed_exporter_closed(self) -> None:
        self._mark("feed_stored")

    def engine_stopped(self) -> None:
        self._mark("engine_stopped")
        stats = self.crawler.stats.get_stats()
        report = {
            "marks": self.marks,
            "cpu_marks": self.cpu_marks,
            "network_requests": self.network_requests,
            "stats": {key: _json_safe(value) for key, value in stats.items()},
        }
        self.path.write_text(json.dumps(report, indent=1), encoding="utf-8")


def _json_safe(value: Any) -> Any:
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)
