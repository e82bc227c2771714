"""Benchmark shared `tournament` crawls: 1, 2 and 4 workers over one Redis and one stand-in FTL.

From the repository root (needs Debian's redis-server and the test extra)::

    python benchmarks/shared_crawl.py [--events 20] [--latency 0.1] [--cap 8] [--workers 1 2 4] [--repeat 3]

Each worker is a real ``scrapy crawl tournament -s FTL_SCHEDULER=redis ...`` child process; all of a
run's workers start together. The stand-in FTL (``tests/fakeftl``) answers every request after
``--latency`` seconds and counts requests per page and the peak in flight across all workers (requests
received and not yet being answered: the server notes a reply's end after its last write, when
the client may already have sent its next one). A
first row crawls the same tournament without Redis (one plain process) as the baseline. Figures
are the medians of ``--repeat`` runs; "crawl" is first request to last response at the server,
"wall" is first worker started to last worker exited (it includes starting Python and Scrapy).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.fakeftl import EventPlan, FakeFtlServer, FakeTournament, generate_tournament  # noqa: E402
from tests.redis_service import RedisService, start_worker  # noqa: E402
from tests.services import clean_environment  # noqa: E402


@dataclass(frozen=True)
class Run:
    wall: float
    crawl: float
    pages: int
    most_requests_per_page: int
    peak_in_flight: int
    events_per_worker: list[int]
    events_exported: int
    exit_statuses: list[int]


def tournament_of(events: int) -> FakeTournament:
    # one or two pool rounds of 4 to 6 pools per event, as a regional tournament's day
    plans = [EventPlan(rounds=1 + n % 2, pool_count=4 + n % 3) for n in range(events)]
    return generate_tournament(plans, seed=2026)


def crawl_once(
    tournament: FakeTournament,
    workers: int,
    redis_service: RedisService | None,
    args: argparse.Namespace,
    run_id: str,
) -> Run:
    server = FakeFtlServer(latency=args.latency)
    server.add_tournament(tournament)
    with server, tempfile.TemporaryDirectory() as folder:
        outputs = [Path(folder) / f"worker-{n}.jsonl" for n in range(max(workers, 1))]
        settings = {"FTL_BASE_URL": server.base_url, "CONCURRENT_REQUESTS_PER_DOMAIN": str(args.cap)}
        arguments = {"tournament": tournament.tournament_id}
        started = time.monotonic()
        if redis_service is None:
            command = [sys.executable, "-m", "scrapy", "crawl", "tournament", "-O", str(outputs[0])]
            command += ["-a", f"tournament={tournament.tournament_id}", "-s", "HTTPCACHE_ENABLED=0"]
            command += [item for name, value in settings.items() for item in ("-s", f"{name}={value}")]
            processes = [
                subprocess.Popen(
                    command, cwd=REPO_ROOT, env=clean_environment(), stderr=subprocess.PIPE, text=True
                )
            ]
        else:
            shared = {**settings, "REDIS_URL": redis_service.url, "FTL_CRAWL_ID": run_id}
            processes = [start_worker("tournament", arguments, shared, output) for output in outputs]
        statuses = []
        for process in processes:
            process.communicate(timeout=600)
            statuses.append(process.returncode)
        wall = time.monotonic() - started
        requests = list(server.requests)
        counts = [len(o.read_text().splitlines()) if o.exists() else 0 for o in outputs]
        exported = {
            json.loads(line)["event_id"] for o in outputs if o.exists() for line in o.read_text().splitlines()
        }
    ends = [request.end for request in requests if request.end is not None]
    per_page = Counter(request.path for request in requests)
    return Run(
        wall=wall,
        crawl=max(ends) - min(request.start for request in requests),
        pages=len(per_page),
        most_requests_per_page=max(per_page.values()),
        peak_in_flight=server.peak_awaiting_answer,
        events_per_worker=counts,
        events_exported=len(exported),
        exit_statuses=statuses,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--cap", type=int, default=8)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    tournament = tournament_of(args.events)
    pages = tournament.page_count
    floor = math.ceil(pages / args.cap) * args.latency
    print(
        f"{args.events} events, {pages} pages, stand-in latency {args.latency} s, cap {args.cap}: "
        f"no crawl can take less than {floor:.2f} s at the cap\n"
    )
    columns = ["workers", "exit statuses", "events exported (per worker)", "requests per page"]
    columns += ["peak in flight", "crawl s", "wall s"]
    print("| " + " | ".join(columns) + " |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as redis_folder:
        redis_service = RedisService(Path(redis_folder)).start()
        try:
            for workers in [0, *args.workers]:
                runs = [
                    crawl_once(
                        tournament, workers, redis_service if workers else None, args, f"bench-{time.time()}"
                    )
                    for _ in range(args.repeat)
                ]
                last = runs[-1]
                per_page = sorted({r.most_requests_per_page for r in runs})
                label = "1, no Redis" if workers == 0 else str(workers)
                print(
                    f"| {label} | {sorted(set(s for r in runs for s in r.exit_statuses))} "
                    f"| {last.events_exported} ({' + '.join(map(str, last.events_per_worker))}) "
                    f"| at most {max(per_page)} (pages seen {last.pages}/{pages}) "
                    f"| {max(r.peak_in_flight for r in runs)} "
                    f"| {statistics.median(r.crawl for r in runs):.2f} "
                    f"| {statistics.median(r.wall for r in runs):.2f} |"
                )
        finally:
            redis_service.stop()


if __name__ == "__main__":
    main()
