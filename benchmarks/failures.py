"""How long a failing crawl takes to give up, against the loopback stand-in FTL; prints a Markdown table.

From the repository root::

    python benchmarks/failures.py [--repeat 3]

Each scenario is a real ``scrapy crawl pools`` child process with the short backoff the tests use
(``FTL_RETRY_BACKOFF_BASE=0.05``), timed by ``benchmarks.timing.CrawlTimer`` from the engine's start
to the spider's close (what the tests once bounded in-process), and from outside (the process's
wall time, Python and Scrapy start-up included). These were upper bounds inside the tests; they
are figures here.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.run import TIMER_EXTENSION, run_process, table  # noqa: E402
from tests.fakeftl import Delay, FakeEvent, FakeFtlServer, Status, generate_event  # noqa: E402


@dataclass(frozen=True)
class Scenario:
    name: str
    what_the_test_bounded: str
    arrange: Callable[[FakeFtlServer, FakeEvent], None]
    settings: dict[str, str]


def pools_path(event: FakeEvent) -> str:
    return f"/pools/scores/{event.event_id}/{event.pool_round_id}"


def pool_path(event: FakeEvent, index: int) -> str:
    return f"{pools_path(event)}/{event.pool_ids[index]}"


def results_path(event: FakeEvent) -> str:
    return f"/pools/results/data/{event.event_id}/{event.pool_round_id}"


def fail_a_pool_while_results_wait(ftl: FakeFtlServer, event: FakeEvent) -> None:
    ftl.add_fault(results_path(event), Status(503, headers={"Retry-After": "3"}))
    ftl.add_fault(pools_path(event) + "/", Status(404))  # whichever pool goes first


SCENARIOS = [
    Scenario(
        "a pool answers 500 forever",
        "< 3 s: two short backoffs, not Scrapy's 180 s timeout",
        lambda ftl, event: ftl.add_fault(
            f"{pools_path(event)}/{event.pool_ids[3]}", Status(500), forever=True
        ),
        {},
    ),
    Scenario(
        "the results JSON takes 3 s, DOWNLOAD_TIMEOUT=0.3",
        "< 2.5 s: 3 x 0.3 s + backoff, the server's 3 s never waited for",
        lambda ftl, event: ftl.add_fault(results_path(event), Delay(3), forever=True),
        {"DOWNLOAD_TIMEOUT": "0.3"},
    ),
    Scenario(
        "503 with Retry-After 3600, FTL_RETRY_AFTER_MAX=5",
        "< 2 s: fails at once",
        lambda ftl, event: ftl.add_fault(
            results_path(event), Status(503, headers={"Retry-After": "3600"}), forever=True
        ),
        {"FTL_RETRY_AFTER_MAX": "5"},
    ),
    Scenario(
        "a pool 404s while the results JSON waits out Retry-After 3",
        "< 1.5 s: fail-fast does not wait out another page's backoff",
        lambda ftl, event: fail_a_pool_while_results_wait(ftl, event),
        {},
    ),
]


def crawl_seconds(
    server: FakeFtlServer, event: FakeEvent, scenario: Scenario, workdir: Path
) -> tuple[float, float]:
    """(engine started -> spider closed, process wall time)"""
    server.reset()
    scenario.arrange(server, event)
    settings = {
        "FTL_BASE_URL": server.base_url,
        "HTTPCACHE_DIR": str(workdir / "httpcache"),
        "FTL_RETRY_BACKOFF_BASE": "0.05",
        "HTTPCACHE_ENABLED": "0",
        "EXTENSIONS": json.dumps({TIMER_EXTENSION: 0}),
        "BENCHMARK_TIMING_FILE": str(workdir / "timing.json"),
        **scenario.settings,
    }
    command = [sys.executable, "-m", "scrapy", "crawl", "pools"]
    command += ["-a", f"event={event.event_id}", "-a", f"round={event.pool_round_id}"]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    run = run_process(command)
    if run.returncode != 1:
        raise SystemExit(f"{scenario.name}: expected exit status 1, got {run.returncode}\n{run.stderr}")
    marks = json.loads((workdir / "timing.json").read_text(encoding="utf-8"))["marks"]
    return marks["spider_closed"] - marks["engine_started"], run.wall_seconds


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per scenario (the median is shown)")
    arguments = parser.parse_args(argv)
    event = generate_event(seed=11, pool_count=24)
    rows = []
    with FakeFtlServer(event) as server, tempfile.TemporaryDirectory() as workdir:
        for scenario in SCENARIOS:
            runs = [crawl_seconds(server, event, scenario, Path(workdir)) for _ in range(arguments.repeat)]
            crawl, process = (statistics.median(times) for times in zip(*runs, strict=True))
            rows.append((scenario.name, f"{crawl:.2f} s", f"{process:.2f} s", scenario.what_the_test_bounded))
    headers = ("failing crawl", "crawl (median)", "process (median)", "the bound the tests held")
    print(table(headers, rows))


if __name__ == "__main__":
    main()
