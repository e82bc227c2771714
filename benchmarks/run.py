"""Benchmark the pools crawl against a loopback fake FTL and print the figures as Markdown tables.

From the repository root::

    python benchmarks/run.py [--latency 0.1] [--pools 10 45 200] [--concurrency 8] [--repeat 3]

Every crawl is a real ``scrapy crawl pools ... -O <file>`` child process, timed from outside
(process wall time; peak RSS from ``wait4``) and from inside by the benchmark-only extension
``benchmarks.timing.CrawlTimer`` (crawl time = engine started -> bundle stored on disk). The
fake FTL answers every request after ``--latency`` seconds and counts the requests and the
peak number in flight. Each figure is the median of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

REPO_ROOT = Path(__file__).resolve().parent.parent
# `python benchmarks/run.py` puts benchmarks/ on sys.path, not the root the imports below live in
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from ftl_scraper.parsers import parse_pool_html  # noqa: E402
from ftl_scraper.paths import default_cache_dir  # noqa: E402
from ftl_scraper.run.api import fetch_pools_bundle  # noqa: E402
from tests.fakeftl import FakeEvent, FakeFtlServer, generate_event  # noqa: E402
from tests.fakeftl import server as fake_ftl_server  # noqa: E402

FIXTURES = REPO_ROOT / "tests" / "files"
TIMER_EXTENSION = "benchmarks.timing.CrawlTimer"
API_POOL_COUNT = 45

T = TypeVar("T")


@dataclass(frozen=True)
class ProcessRun:
    """One child process: wall time seen from outside, its own peak RSS, and what it printed."""

    wall_seconds: float
    peak_rss_mib: float
    returncode: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class CrawlRun:
    """One ``scrapy crawl`` as the server and the CrawlTimer extension saw it."""

    process: ProcessRun
    crawl_seconds: float  # engine started -> bundle stored
    crawl_cpu_seconds: float  # CPU time of the crawl process in that span (all its threads)
    startup_seconds: float  # process launched -> engine started
    requests: int
    peak_in_flight: int
    bundle_ok: bool


@dataclass(frozen=True)
class FetcherRun:
    """One run of the requests + ThreadPoolExecutor baseline."""

    process: ProcessRun
    fetch_seconds: float
    requests: int
    peak_in_flight: int
    bundle_ok: bool


def run_process(command: Sequence[str], *, cwd: Path = REPO_ROOT) -> ProcessRun:
    """Run ``command``. Its peak RSS comes from wait4 on that child alone, not from
    RUSAGE_CHILDREN, which is the maximum over every child waited for so far."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return ProcessRun(
            wall_seconds=wall,
            peak_rss_mib=usage.ru_maxrss / 1024,  # kilobytes on Linux
            returncode=process.returncode,
            stdout=out.read().decode(errors="replace"),
            stderr=err.read().decode(errors="replace"),
        )


def ideal_seconds(pool_count: int, latency: float, concurrency: int) -> float:
    """One round trip for the pools page, then the fragments and results JSON ``concurrency`` at a time."""
    return latency * (1 + math.ceil((pool_count + 1) / concurrency))


def same_bundle(path: Path, event: FakeEvent) -> bool:
    try:
        exported = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(exported == [event.expected_bundle()])


def setting_value(text: str) -> tuple[str, str]:
    """``NAME=VALUE`` from the command line (``--set``)."""
    name, equals, value = text.partition("=")
    if not equals or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


class Bench:
    """The fake FTL with one event per pool count, and the runs made against it."""

    def __init__(
        self,
        server: FakeFtlServer,
        events: dict[int, FakeEvent],
        concurrency: int,
        extra_settings: Sequence[tuple[str, str]] = (),
    ) -> None:
        self.server = server
        self.events = events
        self.concurrency = concurrency
        self.extra_settings = list(extra_settings)

    def crawl(self, pool_count: int, workdir: Path) -> CrawlRun:
        """``scrapy crawl pools`` with the HTTP cache in ``workdir`` (cold if it is new, warm if not)."""
        event = self.events[pool_count]
        output = workdir / "bundle.json"
        timing_file = workdir / "timing.json"
        output.unlink(missing_ok=True)
        timing_file.unlink(missing_ok=True)
        settings = [
            ("FTL_BASE_URL", self.server.base_url),
            ("HTTPCACHE_DIR", str(workdir / "httpcache")),
            ("CONCURRENT_REQUESTS_PER_DOMAIN", str(self.concurrency)),
            ("EXTENSIONS", json.dumps({TIMER_EXTENSION: 0})),
            ("BENCHMARK_TIMING_FILE", str(timing_file)),
            *self.extra_settings,
        ]
        command = [
            sys.executable, "-m", "scrapy", "crawl", "pools",
            "-a", f"event={event.event_id}",
            "-a", f"round={event.pool_round_id}",
            "-O", f"{output}:json",
        ]  # fmt: skip
        for name, value in settings:
            command += ["-s", f"{name}={value}"]
        self.server.reset()
        launched = time.time()
        process = run_process(command)
        if process.returncode != 0 or not timing_file.exists():
            raise RuntimeError(f"crawl of {pool_count} pools failed:\n{process.stderr[-3000:]}")
        timing = json.loads(timing_file.read_text(encoding="utf-8"))
        marks, cpu_marks = timing["marks"], timing["cpu_marks"]
        return CrawlRun(
            process=process,
            crawl_seconds=marks["feed_stored"] - marks["engine_started"],
            crawl_cpu_seconds=cpu_marks["feed_stored"] - cpu_marks["engine_started"],
            startup_seconds=marks["engine_started"] - launched,
            requests=len(self.server.requests),
            peak_in_flight=self.server.peak_in_flight,
            bundle_ok=same_bundle(output, event),
        )

    def fetch_with_threads(self, pool_count: int, workdir: Path) -> FetcherRun:
        event = self.events[pool_count]
        output = workdir / "threads.json"
        command = [
            sys.executable, "-m", "benchmarks.threadpool_fetcher",
            self.server.base_url, event.event_id, event.pool_round_id, str(output),
            "--concurrency", str(self.concurrency),
        ]  # fmt: skip
        self.server.reset()
        process = run_process(command)
        if process.returncode != 0:
            raise RuntimeError(f"threaded fetch of {pool_count} pools failed:\n{process.stderr[-3000:]}")
        report = json.loads(process.stdout.strip().splitlines()[-1])
        return FetcherRun(
            process=process,
            fetch_seconds=report["fetch_seconds"],
            requests=len(self.server.requests),
            peak_in_flight=self.server.peak_in_flight,
            bundle_ok=same_bundle(output, event),
        )

    def fetch_with_api(self, pool_count: int, workdir: Path) -> float:
        """Wall time of ``fetch_pools_bundle`` (the Python API, which runs the crawl in a child)."""
        event = self.events[pool_count]
        self.server.reset()
        started = time.monotonic()
        bundle = fetch_pools_bundle(
            event.event_id,
            event.pool_round_id,
            settings={
                "FTL_BASE_URL": self.server.base_url,
                "HTTPCACHE_DIR": str(workdir / "httpcache"),
                "CONCURRENT_REQUESTS_PER_DOMAIN": self.concurrency,
                **dict(self.extra_settings),
            },
        )
        elapsed = time.monotonic() - started
        if bundle != event.expected_bundle():
            raise RuntimeError("fetch_pools_bundle returned a bundle that differs from the fake event's")
        return elapsed


def repeated(times: int, run: Callable[[Path], T], *, root: Path) -> list[T]:
    """``run`` ``times`` times, each with a fresh working directory (so a fresh HTTP cache)."""
    root.mkdir(parents=True, exist_ok=True)
    results = []
    for _ in range(times):
        with tempfile.TemporaryDirectory(prefix="benchmark-", dir=root) as workdir:
            results.append(run(Path(workdir)))
    return results


def parser_throughput(minimum_seconds: float = 2.0) -> tuple[float, int]:
    """Pools per second of ``parse_pool_html`` over the authored fixtures that are valid pools."""
    fixtures = [
        path.read_text(encoding="utf-8")
        for path in sorted(FIXTURES.glob("pool_*.html"))
        if not path.name.startswith("pool_malformed_")
    ]
    for html in fixtures:  # warm-up, and proof that every fixture parses
        parse_pool_html(html)
    parsed = 0
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < minimum_seconds:
        for html in fixtures:
            parse_pool_html(html)
        parsed += len(fixtures)
    return parsed / elapsed, len(fixtures)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def seconds(value: float) -> str:
    return f"{value:.2f} s"


def ratio(value: float) -> str:
    return f"{value:.2f}x"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---:" for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def send_replies_at_once(enabled: bool) -> None:
    """Have the fake FTL set TCP_NODELAY, as nginx in front of FTL does (``tcp_nodelay on``).

    The fake writes the headers and the body of a reply in two ``send()`` calls. With Nagle's
    algorithm on, the body then waits for the client to ACK the headers, and Linux delays that
    ACK by ~40 ms: every reply but the first on a keep-alive connection arrived 44 ms late,
    a stall of the stand-in server and not of either client measured here.
    """
    fake_ftl_server._FtlRequestHandler.disable_nagle_algorithm = enabled


def run_benchmarks(arguments: argparse.Namespace) -> str:
    latency, concurrency, repeat = arguments.latency, arguments.concurrency, arguments.repeat
    send_replies_at_once(not arguments.fake_server_nagle)
    root: Path = arguments.workdir
    events = {n: generate_event(seed=1000 + n, pool_count=n) for n in arguments.pools}
    cold_rows, warm_rows, thread_rows, warnings = [], [], [], []
    api_seconds: list[float] = []
    load_before = load_average()
    with FakeFtlServer(*events.values(), latency=latency) as server:
        bench = Bench(server, events, concurrency, arguments.set)
        for n in arguments.pools:
            ideal = ideal_seconds(n, latency, concurrency)
            cold: list[CrawlRun] = []
            warm: list[CrawlRun] = []
            for _ in range(repeat):
                with tempfile.TemporaryDirectory(prefix="benchmark-", dir=root) as workdir:
                    cold.append(bench.crawl(n, Path(workdir)))
                    # the same cache directory again, well within its 180 s TTL
                    warm.append(bench.crawl(n, Path(workdir)))
            threads = repeated(repeat, partial(bench.fetch_with_threads, n), root=root)
            if n == API_POOL_COUNT:
                api_seconds = repeated(
                    repeat, lambda workdir: bench.fetch_with_api(API_POOL_COUNT, workdir), root=root
                )
            if not all(run.bundle_ok for run in cold + warm + threads):
                warnings.append(f"WARNING: a bundle for {n} pools differs from the fake event's")
            crawl = median([run.crawl_seconds for run in cold])
            process = median([run.process.wall_seconds for run in cold])
            fetch = median([run.fetch_seconds for run in threads])
            fetch_process = median([run.process.wall_seconds for run in threads])
            cold_rows.append(
                [
                    str(n),
                    seconds(ideal),
                    seconds(crawl),
                    ratio(crawl / ideal),
                    seconds(median([run.crawl_cpu_seconds for run in cold])),
                    seconds(median([run.startup_seconds for run in cold])),
                    seconds(process),
                    str(max(run.requests for run in cold)),
                    str(max(run.peak_in_flight for run in cold)),
                    f"{median([run.process.peak_rss_mib for run in cold]):.0f} MiB",
                ]
            )
            warm_rows.append(
                [
                    str(n),
                    str(max(run.requests for run in warm)),
                    seconds(median([run.crawl_seconds for run in warm])),
                    seconds(median([run.process.wall_seconds for run in warm])),
                ]
            )
            thread_rows.append(
                [
                    str(n),
                    seconds(fetch),
                    ratio(fetch / ideal),
                    seconds(fetch_process),
                    str(max(run.requests for run in threads)),
                    str(max(run.peak_in_flight for run in threads)),
                    ratio(crawl / fetch),
                    ratio(process / fetch_process),
                ]
            )
    pools_per_second, fixture_count = parser_throughput()
    overrides = " ".join(f"-s {name}={value}" for name, value in arguments.set)
    sections = [
        f"Latency {latency * 1000:.0f} ms per response, concurrency {concurrency}, median of {repeat} "
        f"runs{'; settings ' + overrides if overrides else ''}.",
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {load_before} before and {load_average()} after; HTTP caches under {root}"
        f"{'; fake FTL with Nagle (44 ms stall per reply)' if arguments.fake_server_nagle else ''}.",
        "",
        "Cold crawl (`scrapy crawl pools -O`, empty HTTP cache):",
        "",
        table(
            [
                "pools",
                "ideal",
                "crawl time",
                "crawl / ideal",
                "crawl CPU",
                "startup",
                "process wall",
                "requests",
                "peak in flight",
                "peak RSS",
            ],
            cold_rows,
        ),
        "",
        "Warm crawl (same HTTP cache, within its 180 s TTL):",
        "",
        table(["pools", "requests", "crawl time", "process wall"], warm_rows),
        "",
        f"requests + ThreadPoolExecutor({concurrency}) (`benchmarks/threadpool_fetcher.py`): same pages, "
        "same parsers, same output:",
        "",
        table(
            [
                "pools",
                "fetch time",
                "fetch / ideal",
                "process wall",
                "requests",
                "peak in flight",
                "scrapy crawl / threads fetch",
                "scrapy process / threads process",
            ],
            thread_rows,
        ),
        "",
        f"Parser: `parse_pool_html` reads {pools_per_second:,.0f} pools/s "
        f"({fixture_count} authored fixtures in tests/files, one core).",
    ]
    if api_seconds:
        sections.append(
            f"Python API: `fetch_pools_bundle` for {API_POOL_COUNT} pools, cold: "
            f"{seconds(median(api_seconds))} (wall, child process included)."
        )
    return "\n".join(sections + warnings)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per response (default 0.1)")
    parser.add_argument("--pools", type=int, nargs="+", default=[10, 45, 200], help="pool counts")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight (default 8)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the median is shown")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=default_cache_dir().parent,
        help="where each run's HTTP cache and output go (default: beside the project's own cache, "
        "so the cache is written to the disk real runs use)",
    )
    parser.add_argument(
        "--set",
        type=setting_value,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra Scrapy setting for every crawl (e.g. to measure a 'before')",
    )
    parser.add_argument(
        "--fake-server-nagle",
        action="store_true",
        help="leave Nagle's algorithm on in the fake FTL (its default), to see the 44 ms stall",
    )
    arguments = parser.parse_args(argv)
    started = time.monotonic()
    report = run_benchmarks(arguments)
    print(report)
    print(f"\n(benchmark run took {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
