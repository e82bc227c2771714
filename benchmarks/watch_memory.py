"""A day-long `pools` or `tableau` watch in fast time: thousands of polls in one process, memory sampled.

From the repository root::

    python benchmarks/watch_memory.py [--spider pools] [--polls 2880] [--pools 24] [--samples 12]
    python benchmarks/watch_memory.py --spider tableau [--polls 2880] [--size 256] [--samples 12]

2880 polls is a day of 30-second polls. The watch runs in this process (one crawl, as ``scrapy
crawl pools -a watch=30`` or ``scrapy crawl tableau -a watch=30`` runs it) against the loopback
stand-in FTL in a child process (so its memory is not counted), whose round or tableau moves on
one step every few polls, so most polls find nothing new, as on a real day: a pool round's
strips, withdrawals, bouts and ranking; a team tableau's bouts scheduled then decided, column by
column, its bronze-medal tree finishing just before the main tree. The last step ends the watch.
Polls follow each other at once (``FTL_WATCH_POLL_INTERVAL``). Printed: resident memory, the C
heap (glibc's ``mallinfo2``: bytes in use, and freed bytes the heap still holds) and live Python
objects at evenly spaced polls, and the totals, with resident memory once ``malloc_trim`` has
handed the heap's free bytes back.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import gc
import multiprocessing
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from scrapy.crawler import AsyncCrawlerProcess, Crawler  # noqa: E402
from scrapy.settings import Settings  # noqa: E402
from twisted.internet.base import DelayedCall  # noqa: E402

from ftl_scraper.spiders.base import FtlSpider  # noqa: E402
from ftl_scraper.spiders.pools import PoolsSpider  # noqa: E402
from ftl_scraper.spiders.tableau import TableauSpider  # noqa: E402
from ftl_scraper.watch.polling import poll_finished  # noqa: E402
from tests.fakeftl import (  # noqa: E402
    FakeFtlServer,
    RoundTimeline,
    TableauTimeline,
    generate_event,
    generate_tableau,
)
from tests.fakeftl.frames import FrameTimeline  # noqa: E402

SPIDERS: dict[str, type[FtlSpider]] = {"pools": PoolsSpider, "tableau": TableauSpider}


def resident_mib() -> float:
    """This process's resident memory now (not its peak), from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


_MALLINFO2_FIELDS: tuple[str, ...] = ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks")
_MALLINFO2_FIELDS += ("uordblks", "fordblks", "keepcost")


class MallInfo2(ctypes.Structure):
    """glibc's ``struct mallinfo2`` (glibc 2.33 and later)."""

    _fields_ = [(name, ctypes.c_size_t) for name in _MALLINFO2_FIELDS]


def glibc() -> ctypes.CDLL | None:
    """The C library, if it is glibc with ``mallinfo2`` (no heap figures elsewhere)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = MallInfo2
    except (OSError, AttributeError):
        return None
    return libc


LIBC = glibc()


def c_heap_mib() -> tuple[float, float] | None:
    """The C heap's bytes in use, and the freed bytes it holds but has not handed back (MiB).
    Python objects of up to 512 bytes live in pymalloc's own arenas, outside these figures."""
    if LIBC is None:
        return None
    info = LIBC.mallinfo2()
    return info.uordblks / 2**20, info.fordblks / 2**20


def trimmed_resident_mib() -> float | None:
    """Resident memory once the C heap has handed its free bytes back (``malloc_trim``)."""
    if LIBC is None:
        return None
    gc.collect()
    LIBC.malloc_trim(0)
    return resident_mib()


@dataclass
class Sample:
    poll: int
    rss_mib: float
    c_heap_mib: tuple[float, float] | None
    python_objects: int
    cancelled_timers: int
    lines: int


def cancelled_timers() -> int:
    """Timers cancelled but not yet due (request timeouts, idle-connection timeouts of 240 s): Twisted
    and asyncio drop them at their due time, so their number depends on wall-clock time, not on polls."""
    return sum(
        1
        for thing in gc.get_objects()
        if (isinstance(thing, DelayedCall) and thing.cancelled)
        or (isinstance(thing, asyncio.TimerHandle) and thing.cancelled())
    )


def watched_timeline(spider: str, size: int) -> tuple[RoundTimeline | TableauTimeline, dict[str, str]]:
    """What the stand-in serves (a round of ``size`` pools, or a team tableau of ``size``) and the
    spider arguments that watch it."""
    if spider == "pools":
        event = generate_event(seed=2026, pool_count=size)
        return RoundTimeline(event), {"event": event.event_id, "round": event.pool_round_id}
    tableau = generate_tableau(seed=2026, size=size, team=True)
    return TableauTimeline(tableau), {"event": tableau.event_id, "tableau": tableau.tableau_id}


def serve(connection: Connection, timeline: FrameTimeline[Any], spider_arguments: dict[str, str]) -> None:
    """The child process: the stand-in FTL serving ``timeline``, moved on when told to."""
    requests = 0
    with FakeFtlServer(validators=True) as server:
        timeline.install(server)
        connection.send((server.base_url, spider_arguments, len(timeline.frames)))
        while (command := connection.recv()) != "stop":
            # the stand-in records every request: count and forget them, so its memory stays put
            requests += len(server.take_requests())
            if command == "advance":
                timeline.advance()
            connection.send("done")
        connection.send(requests + len(server.requests))


def serve_timeline(connection: Connection, spider: str, size: int) -> None:
    """The child process of ``--spider``: a round or a tableau."""
    timeline, spider_arguments = watched_timeline(spider, size)
    serve(connection, timeline, spider_arguments)


@dataclass
class DayOfPolls:
    """Moves the round on every ``polls_per_step`` polls and samples memory at ``sample_polls``."""

    crawler: Crawler
    stand_in: Connection
    feed: Path
    polls_per_step: int
    sample_polls: set[int]
    samples: list[Sample] = field(default_factory=list)

    def poll_finished(self, poll_number: int, over: bool) -> None:
        if poll_number in self.sample_polls or over:
            gc.collect()
            lines = sum(1 for _ in self.feed.open("rb")) if self.feed.exists() else 0
            sample = Sample(
                poll_number, resident_mib(), c_heap_mib(), len(gc.get_objects()), cancelled_timers(), lines
            )
            self.samples.append(sample)
        advance = not over and poll_number % self.polls_per_step == 0
        self.stand_in.send("advance" if advance else "next poll")
        self.stand_in.recv()


@dataclass
class WatchedDay:
    """A whole day's watch: its samples and totals."""

    day: DayOfPolls
    steps: int
    requests: int
    elapsed: float
    rss_at_end: float
    rss_trimmed: float | None


def watch_for_a_day(
    spider_class: type[FtlSpider],
    serve_target: Callable[..., None],
    serve_arguments: tuple[object, ...],
    *,
    polls: int,
    samples: int,
) -> WatchedDay:
    """Start the stand-in (``serve_target(connection, *serve_arguments)`` in a child process) and
    watch what it serves in this process, its steps spread over ``polls`` polls, memory sampled
    ``samples`` times."""
    context = multiprocessing.get_context("spawn")
    stand_in, child_end = context.Pipe()
    child = context.Process(target=serve_target, args=(child_end, *serve_arguments))
    child.start()
    base_url, spider_arguments, steps = stand_in.recv()
    # the last step (a ranking, a final, final results) ends the watch: spread the steps over the day
    polls_per_step = max(1, polls // steps)
    step = max(1, polls // samples)
    sample_polls = {1, 10, *range(step, polls + 1, step)}
    with tempfile.TemporaryDirectory() as folder:
        feed = Path(folder) / "changes.jsonl"
        settings = Settings()
        settings.setmodule("ftl_scraper.settings", priority="project")
        settings.update(
            {
                "FTL_BASE_URL": base_url,
                "HTTPCACHE_DIR": str(Path(folder) / "httpcache"),
                "FTL_WATCH_POLL_INTERVAL": 0.001,
                "FEEDS": {str(feed): {"format": "jsonlines"}},
                "LOG_LEVEL": "WARNING",
            },
            priority="cmdline",
        )
        process = AsyncCrawlerProcess(settings)
        crawler = process.create_crawler(spider_class)
        day = DayOfPolls(crawler, stand_in, feed, polls_per_step, sample_polls)
        crawler.signals.connect(day.poll_finished, signal=poll_finished)
        started = time.perf_counter()
        process.crawl(crawler, watch="30", **spider_arguments)
        process.start()
        elapsed = time.perf_counter() - started
        gc.collect()
        rss_at_end, rss_trimmed = resident_mib(), trimmed_resident_mib()
    stand_in.send("stop")
    requests = stand_in.recv()
    child.join()
    return WatchedDay(day, steps, requests, elapsed, rss_at_end, rss_trimmed)


def print_day(watched: str, result: WatchedDay) -> None:
    """The samples as a Markdown table, then the totals."""
    day = result.day
    print(f"## A day-long {watched}, {result.steps} steps, one every {day.polls_per_step} polls")
    print()
    print(
        "| poll | resident memory | C heap in use | C heap freed, held | live Python objects "
        "| of which cancelled timers not yet due | lines |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for sample in day.samples:
        in_use, held = (f"{mib:.1f} MiB" for mib in sample.c_heap_mib) if sample.c_heap_mib else ("n/a",) * 2
        print(
            f"| {sample.poll} | {sample.rss_mib:.1f} MiB | {in_use} | {held} | {sample.python_objects:,} "
            f"| {sample.cancelled_timers:,} | {sample.lines} |"
        )
    after_warmup = [sample for sample in day.samples if sample.poll >= 10]
    growth = after_warmup[-1].rss_mib - after_warmup[0].rss_mib
    stats = day.crawler.stats.get_stats()
    print(
        f"\n{stats.get('ftl/watch/polls', 0)} polls, {stats.get('ftl/watch/changes', 0)} changes, "
        f"{result.requests} requests ({stats.get('ftl/watch/not_modified', 0)} answered 304), "
        f"finish reason {stats.get('finish_reason')}, {result.elapsed:.0f} s; "
        f"resident memory from poll {after_warmup[0].poll} to the end: {growth:+.1f} MiB"
    )
    if result.rss_trimmed is not None:
        trimmed = f"{result.rss_trimmed:.1f} MiB after malloc_trim(0)"
        print(f"after the watch: resident memory {result.rss_at_end:.1f} MiB, {trimmed}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spider", choices=sorted(SPIDERS), default="pools", help="what the watch follows")
    parser.add_argument("--polls", type=int, default=2880, help="polls in the day (2880 = every 30 s)")
    parser.add_argument("--pools", type=int, default=24, help="pools in the round (--spider pools)")
    parser.add_argument("--size", type=int, default=256, help="the team tableau's size (--spider tableau)")
    parser.add_argument("--samples", type=int, default=12, help="memory samples over the day")
    options = parser.parse_args()
    size = options.pools if options.spider == "pools" else options.size

    result = watch_for_a_day(
        SPIDERS[options.spider],
        serve_timeline,
        (options.spider, size),
        polls=options.polls,
        samples=options.samples,
    )
    watched = f"{size} pools" if options.spider == "pools" else f"a team tableau of {size}"
    print_day(f"{options.spider} watch: {watched}", result)


if __name__ == "__main__":
    main()
