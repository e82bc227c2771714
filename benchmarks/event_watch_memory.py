"""A day-long `event` watch in fast time: thousands of polls of a whole event, memory sampled as it goes.

From the repository root::

    python benchmarks/event_watch_memory.py [--polls 2880] [--rounds 2] [--pools 8] [--samples 12]

As ``benchmarks/watch_memory.py`` does for one round (and with its sampling), for a whole event:
the loopback stand-in FTL in a child process serves an event whose pool rounds unfold one after
the other (a later one appearing on the tab bar), then its DE tableau, then its final results, one
step every few polls, so most polls find nothing new. The watch runs in this process, in one
crawl, as ``scrapy crawl event -a watch=30`` runs it, and ends by itself with the final results.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from scrapy.crawler import AsyncCrawlerProcess  # noqa: E402
from scrapy.settings import Settings  # noqa: E402

from benchmarks.watch_memory import DayOfPolls  # noqa: E402
from ftl_scraper.spiders.event import EventSpider  # noqa: E402
from ftl_scraper.watch.polling import poll_finished  # noqa: E402
from tests.fakeftl import EventPlan, EventTimeline, FakeFtlServer, generate_tournament  # noqa: E402


def serve_event(connection: Connection, rounds: int, pools: int) -> None:
    """The child process: the stand-in FTL serving an event that moves on when told to."""
    tournament = generate_tournament([EventPlan(rounds=rounds, pool_count=pools)], seed=2026)
    timeline = EventTimeline(tournament, bouts_per_frame=1, steps_per_frame=1)
    requests = 0
    with FakeFtlServer(validators=True) as server:
        timeline.install(server)
        connection.send((server.base_url, timeline.event_id, len(timeline.frames)))
        while (command := connection.recv()) != "stop":
            # the stand-in records every request: count and forget them, so its memory stays put
            requests += len(server.take_requests())
            if command == "advance":
                timeline.advance()
            connection.send("done")
        connection.send(requests + len(server.requests))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--polls", type=int, default=2880, help="polls in the day (2880 = every 30 s)")
    parser.add_argument("--rounds", type=int, default=2, help="pool rounds in the event")
    parser.add_argument("--pools", type=int, default=8, help="pools in each round")
    parser.add_argument("--samples", type=int, default=12, help="memory samples over the day")
    options = parser.parse_args()

    context = multiprocessing.get_context("spawn")
    stand_in, child_end = context.Pipe()
    child = context.Process(target=serve_event, args=(child_end, options.rounds, options.pools))
    child.start()
    base_url, event_id, steps = stand_in.recv()
    # the last step publishes the final results, which ends the watch: spread the steps over the day
    polls_per_step = max(1, options.polls // steps)
    step = max(1, options.polls // options.samples)
    sample_polls = {1, 10, *range(step, options.polls + 1, step)}
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
        crawler = process.create_crawler(EventSpider)
        day = DayOfPolls(crawler, stand_in, feed, polls_per_step, sample_polls)
        crawler.signals.connect(day.poll_finished, signal=poll_finished)
        started = time.perf_counter()
        process.crawl(crawler, event=event_id, watch="30")
        process.start()
        elapsed = time.perf_counter() - started
    stand_in.send("stop")
    requests = stand_in.recv()
    child.join()
    gc.collect()

    stats = crawler.stats.get_stats()
    print(
        f"## A day-long event watch: {options.rounds} rounds of {options.pools} pools and a tableau, "
        f"{steps} steps, one every {polls_per_step} polls\n"
    )
    print("| poll | resident memory | live Python objects | of which cancelled timers not yet due | lines |")
    print("|---:|---:|---:|---:|---:|")
    for sample in day.samples:
        print(
            f"| {sample.poll} | {sample.rss_mib:.1f} MiB | {sample.python_objects:,} "
            f"| {sample.cancelled_timers:,} | {sample.lines} |"
        )
    after_warmup = [sample for sample in day.samples if sample.poll >= 10]
    growth = after_warmup[-1].rss_mib - after_warmup[0].rss_mib
    print(
        f"\n{stats.get('ftl/watch/polls', 0)} polls, {stats.get('ftl/watch/changes', 0)} changes, "
        f"{requests} requests ({stats.get('ftl/watch/not_modified', 0)} answered 304), "
        f"finish reason {stats.get('finish_reason')}, {elapsed:.0f} s; "
        f"resident memory from poll {after_warmup[0].poll} to the end: {growth:+.1f} MiB"
    )


if __name__ == "__main__":
    main()
