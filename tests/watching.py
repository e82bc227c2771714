"""Run a `pools`, `tableau` or `event` watch in-process against a stand-in FTL moving one frame per poll."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
from pydantic import TypeAdapter
from scrapy.crawler import AsyncCrawlerRunner, Crawler
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_from_coro

from ftl_scraper.run.outcome import CrawlOutcome, ExitStatus, crawl_outcome
from ftl_scraper.spiders.base import FtlSpider
from ftl_scraper.spiders.event import EventSpider
from ftl_scraper.spiders.pools import PoolsSpider
from ftl_scraper.spiders.tableau import TableauSpider
from ftl_scraper.watch.polling import poll_finished
from tests.fakeftl import EventTimeline, RoundTimeline, TableauTimeline

# polls after the last frame before a watch that never ends is stopped (a failing test, not a hang)
_SPARE_POLLS = 3


@dataclass
class WatchRun:
    crawler: Crawler
    timeline: RoundTimeline | TableauTimeline | EventTimeline
    feed: Path
    #: called at the end of each poll with the poll number; returns whether the timeline may advance
    on_poll: Callable[[int], bool] | None = None
    #: how many lines the feed file held when each poll ended
    lines_at_poll_end: list[int] = field(default_factory=list)
    spare_polls: int = 0

    def poll_finished(self, poll_number: int, over: bool) -> None:
        self.lines_at_poll_end.append(len(self.read_lines()))
        if over:
            return
        may_advance = self.on_poll(poll_number) if self.on_poll else True
        if may_advance and not self.timeline.advance():
            self.spare_polls += 1
            if self.spare_polls > _SPARE_POLLS:
                deferred_from_coro(self.crawler.engine.close_spider_async(reason="timeline_exhausted"))

    def read_lines(self) -> list[dict[str, Any]]:
        if not self.feed.exists():
            return []
        return [json.loads(line) for line in self.feed.read_text(encoding="utf-8").splitlines()]

    @property
    def outcome(self) -> CrawlOutcome:
        return crawl_outcome(self.crawler)

    @property
    def stats(self) -> dict[str, Any]:
        return self.crawler.stats.get_stats()


def without_time(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: value for key, value in line.items() if key != "at"} for line in lines]


def assert_true_stream(
    run: WatchRun, schema: dict[str, Any], model: TypeAdapter[Any]
) -> list[dict[str, Any]]:
    """What every watch's stream must be: a finished watch whose lines are its timeline's true
    sequence, stamped in UTC and in order, valid against the shipped schema and the models, and
    each on disk by the end of the poll that saw it. Returns the lines."""
    lines = run.read_lines()
    assert run.outcome.status is ExitStatus.OK
    assert run.stats["finish_reason"] == "finished"
    assert without_time(lines) == run.timeline.expected_lines()
    times = [datetime.fromisoformat(line["at"]) for line in lines]
    assert {time.utcoffset() for time in times} == {timedelta(0)}
    assert times == sorted(times)
    validator = jsonschema.Draft202012Validator(schema)  # checks the schema once
    for line in lines:
        validator.validate(line)
        model.validate_python(line)
    # poll n serves frame n-1: a reader of the file has every line up to that frame when it ends
    expected_counts = [1]
    for frame in run.timeline.frames[1:]:
        expected_counts.append(expected_counts[-1] + len(frame.changes))
    assert run.lines_at_poll_end == expected_counts
    return lines


def outage_lines(run: WatchRun, outage_poll: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``source_unavailable`` and ``source_recovered`` lines of an outage that began at
    ``outage_poll``, once it is checked that they are a pair and that every other line is the
    timeline's true sequence, none lost while FTL was down."""
    lines = run.read_lines()
    before = 1 + sum(len(frame.changes) for frame in run.timeline.frames[1:outage_poll])
    unavailable, recovered = lines[before], lines[before + 1]
    assert unavailable["type"] == "source_unavailable"
    assert recovered["type"] == "source_recovered"
    assert recovered["unavailable_since"] == unavailable["at"]
    del lines[before : before + 2]
    assert without_time(lines) == run.timeline.expected_lines()
    assert run.outcome.status is ExitStatus.OK
    assert run.stats["ftl/circuit_breaker/tripped"] == 1
    return unavailable, recovered


async def watch_pools(
    settings: Settings,
    timeline: RoundTimeline,
    feed: Path,
    on_poll: Callable[[int], bool] | None = None,
    **spider_arguments: Any,
) -> WatchRun:
    """A whole watch writing JSON Lines to ``feed``; returns once the spider has closed."""
    arguments = {"event": timeline.final.event_id, "round": timeline.final.pool_round_id}
    return await _watch(PoolsSpider, settings, timeline, feed, on_poll, {**arguments, **spider_arguments})


async def watch_tableau(
    settings: Settings,
    timeline: TableauTimeline,
    feed: Path,
    on_poll: Callable[[int], bool] | None = None,
    **spider_arguments: Any,
) -> WatchRun:
    """A whole tableau watch writing JSON Lines to ``feed``; returns once the spider has closed."""
    arguments = {"event": timeline.final.event_id, "tableau": timeline.final.tableau_id}
    return await _watch(TableauSpider, settings, timeline, feed, on_poll, {**arguments, **spider_arguments})


async def watch_event(
    settings: Settings,
    timeline: EventTimeline,
    feed: Path,
    on_poll: Callable[[int], bool] | None = None,
    **spider_arguments: Any,
) -> WatchRun:
    """A whole event watch writing JSON Lines to ``feed``; returns once the spider has closed."""
    arguments = {"event": timeline.event_id, **spider_arguments}
    return await _watch(EventSpider, settings, timeline, feed, on_poll, arguments)


async def _watch(
    spider_class: type[FtlSpider],
    settings: Settings,
    timeline: RoundTimeline | TableauTimeline | EventTimeline,
    feed: Path,
    on_poll: Callable[[int], bool] | None,
    spider_arguments: dict[str, Any],
) -> WatchRun:
    settings = settings.copy()
    settings.set("FEEDS", {str(feed): {"format": "jsonlines"}}, priority="cmdline")
    settings.set("FTL_WATCH_POLL_INTERVAL", 0.01, priority="cmdline")
    runner = AsyncCrawlerRunner(settings)
    crawler = runner.create_crawler(spider_class)
    run = WatchRun(crawler, timeline, feed, on_poll)
    crawler.signals.connect(run.poll_finished, signal=poll_finished)
    await runner.crawl(crawler, watch="15", **spider_arguments)
    return run
