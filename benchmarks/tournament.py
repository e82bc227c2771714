"""Benchmark a whole-tournament crawl against the loopback stand-in FTL and print the figures.

From the repository root::

    python benchmarks/tournament.py [--events 20] [--rounds 2] [--pools 10] [--latency 0.1]
                                    [--concurrency 8] [--repeat 3]

The stand-in serves a generated tournament (every event finished, ``--rounds`` pool rounds of
``--pools`` pools each and a DE tableau) and answers every request after ``--latency`` seconds.
Each run is a real ``scrapy crawl tournament ... -O <file>`` child process with an empty HTTP
cache; its items are checked against the generator's ground truth. Crawl time is engine started -> feed stored
(``benchmarks.timing.CrawlTimer``); the network span is the server's first request received to
its last response written; the ideal is ``latency * ceil(requests / concurrency)``, with the
requests counted by the server.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.run import TIMER_EXTENSION, run_process, setting_value  # noqa: E402
from tests.fakeftl import EventPlan, FakeFtlServer, FakeTournament, generate_tournament  # noqa: E402


@dataclass(frozen=True)
class TournamentRun:
    crawl_seconds: float  # engine started -> feed stored
    crawl_cpu_seconds: float  # the crawl process's CPU time over the same span
    first_event_seconds: float  # engine started -> first event exported
    startup_seconds: float  # process launched -> engine started
    process_seconds: float
    network_seconds: float  # the server's view: first request received -> last response written
    requests: int
    peak_in_flight: int
    items_ok: bool


def crawl(
    server: FakeFtlServer,
    tournament: FakeTournament,
    concurrency: int,
    workdir: Path,
    extra_settings: Sequence[tuple[str, str]] = (),
) -> TournamentRun:
    output, timing_file = workdir / "tournament.jsonl", workdir / "timing.json"
    command = [
        sys.executable, "-m", "scrapy", "crawl", "tournament",
        "-a", f"tournament={tournament.tournament_id}",
        "-O", f"{output}:jsonlines",
    ]  # fmt: skip
    for name, value in (
        ("FTL_BASE_URL", server.base_url),
        ("HTTPCACHE_DIR", str(workdir / "httpcache")),
        ("CONCURRENT_REQUESTS_PER_DOMAIN", str(concurrency)),
        ("FTL_PROGRESS", "False"),
        ("EXTENSIONS", json.dumps({TIMER_EXTENSION: 0})),
        ("BENCHMARK_TIMING_FILE", str(timing_file)),
        *extra_settings,
    ):
        command += ["-s", f"{name}={value}"]
    server.reset()  # forgets the tournament too: serve it again
    server.add_tournament(tournament)
    launched = time.time()
    process = run_process(command)
    if process.returncode != 0 or not timing_file.exists():
        raise RuntimeError(f"tournament crawl failed:\n{process.stderr[-3000:]}")
    timing = json.loads(timing_file.read_text(encoding="utf-8"))
    marks, cpu_marks = timing["marks"], timing["cpu_marks"]
    items = {
        item["event_id"]: item for item in map(json.loads, output.read_text(encoding="utf-8").splitlines())
    }
    expected = {event.event_id: event.expected_tournament_item(tournament) for event in tournament.events}
    return TournamentRun(
        crawl_seconds=marks["feed_stored"] - marks["engine_started"],
        crawl_cpu_seconds=cpu_marks["feed_stored"] - cpu_marks["engine_started"],
        first_event_seconds=marks["bundle_scraped"] - marks["engine_started"],
        startup_seconds=marks["engine_started"] - launched,
        process_seconds=process.wall_seconds,
        network_seconds=max(r.end or r.start for r in server.requests)
        - min(r.start for r in server.requests),
        requests=len(server.requests),
        peak_in_flight=server.peak_in_flight,
        items_ok=items == expected,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--pools", type=int, default=10)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--set",
        type=setting_value,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra -s setting",
    )
    options = parser.parse_args()
    tournament = generate_tournament(
        [EventPlan(rounds=options.rounds, pool_count=options.pools) for _ in range(options.events)], seed=7
    )
    runs = []
    with FakeFtlServer(latency=options.latency) as server:
        for _ in range(options.repeat):
            with tempfile.TemporaryDirectory(prefix="ftl-bench-") as workdir:
                runs.append(crawl(server, tournament, options.concurrency, Path(workdir), options.set))
    requests = runs[0].requests
    ideal = options.latency * math.ceil(requests / options.concurrency)
    crawl_seconds = statistics.median(run.crawl_seconds for run in runs)
    print(
        f"{options.events} events x {options.rounds} rounds x {options.pools} pools, latency "
        f"{options.latency * 1000:g} ms, cap {options.concurrency}, median of {options.repeat} cold runs\n"
    )
    print("| requests | ideal | crawl time | crawl / ideal | crawl CPU | network span | span / ideal "
          "| first event out | startup | process wall | peak in flight | items = ground truth |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|")
    network_seconds = statistics.median(run.network_seconds for run in runs)
    items_ok = "yes" if all(run.items_ok for run in runs) else "NO"
    print(
        f"| {requests} | {ideal:.2f} s | {crawl_seconds:.2f} s | {crawl_seconds / ideal:.2f}x "
        f"| {statistics.median(run.crawl_cpu_seconds for run in runs):.2f} s "
        f"| {network_seconds:.2f} s | {network_seconds / ideal:.2f}x "
        f"| {statistics.median(run.first_event_seconds for run in runs):.2f} s "
        f"| {statistics.median(run.startup_seconds for run in runs):.2f} s "
        f"| {statistics.median(run.process_seconds for run in runs):.2f} s "
        f"| {max(run.peak_in_flight for run in runs)} | {items_ok} |"
    )


if __name__ == "__main__":
    main()
