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
import sys
from multiprocessing.connection import Connection
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.watch_memory import print_day, serve, watch_for_a_day  # noqa: E402
from ftl_scraper.spiders.event import EventSpider  # noqa: E402
from tests.fakeftl import EventPlan, EventTimeline, generate_tournament  # noqa: E402


def serve_event(connection: Connection, rounds: int, pools: int) -> None:
    """The child process: the stand-in FTL serving an event that moves on when told to."""
    tournament = generate_tournament([EventPlan(rounds=rounds, pool_count=pools)], seed=2026)
    timeline = EventTimeline(tournament, bouts_per_frame=1, steps_per_frame=1)
    serve(connection, timeline, {"event": timeline.event_id})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--polls", type=int, default=2880, help="polls in the day (2880 = every 30 s)")
    parser.add_argument("--rounds", type=int, default=2, help="pool rounds in the event")
    parser.add_argument("--pools", type=int, default=8, help="pools in each round")
    parser.add_argument("--samples", type=int, default=12, help="memory samples over the day")
    options = parser.parse_args()

    result = watch_for_a_day(
        EventSpider,
        serve_event,
        (options.rounds, options.pools),
        polls=options.polls,
        samples=options.samples,
    )
    print_day(f"event watch: {options.rounds} rounds of {options.pools} pools and a tableau", result)


if __name__ == "__main__":
    main()
