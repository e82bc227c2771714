"""Benchmark ``FtlClient`` (in-process crawls) against the loopback fake FTL; prints Markdown.

From the repository root::

    python benchmarks/client.py [--latency 0.1] [--pools 28] [--calls 100] [--threads 8]

The fake FTL runs in this process and counts requests and the peak in flight; the client runs
in a child process (``benchmarks/client_calls.py``), so the two do not share one interpreter.
Figures: sequential calls that fetch every page (``force_refresh=True``), calls served by the
HTTP cache (each series after 10 warm-up calls), the RSS of the calling process over the calls,
and ``--threads`` threads calling at once through one client.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.run import send_replies_at_once, table  # noqa: E402
from tests.fakeftl import FakeEvent, FakeFtlServer, generate_event  # noqa: E402


def network_ideal(pool_count: int, latency: float, concurrency: int) -> float:
    """The pools page (with the results JSON beside it), then the pools ``concurrency`` at a time."""
    return latency * (1 + math.ceil(pool_count / concurrency))


def run_calls(server: FakeFtlServer, event: FakeEvent, cache_dir: Path, *options: str) -> dict[str, Any]:
    server.reset()
    command = [
        sys.executable, "-m", "benchmarks.client_calls",
        server.base_url, event.event_id, event.pool_round_id, str(cache_dir), *options,
    ]  # fmt: skip
    completed = subprocess.run(
        command, cwd=REPO_ROOT, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL
    )
    if completed.returncode != 0:
        raise RuntimeError(f"client calls failed:\n{completed.stderr[-3000:]}")
    report: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    report["requests"] = len(server.requests)
    report["peak_in_flight"] = server.peak_in_flight
    if report.pop("bundle") != event.expected_bundle():
        raise RuntimeError("the client returned a bundle that differs from the fake event's")
    return report


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--pools", type=int, default=28)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=8)
    arguments = parser.parse_args()
    send_replies_at_once(True)
    event = generate_event(seed=1000 + arguments.pools, pool_count=arguments.pools)
    ideal = network_ideal(arguments.pools, arguments.latency, arguments.concurrency)
    calls = str(arguments.calls)
    concurrency = ["--concurrency", str(arguments.concurrency)]
    started = time.monotonic()
    with FakeFtlServer(event, latency=arguments.latency) as server, tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        cold = run_calls(server, event, cache, "--mode", "cold", "--calls", calls, *concurrency)
        cached = run_calls(server, event, cache, "--mode", "cached", "--calls", calls, *concurrency)
        threads = run_calls(
            server, event, cache, "--mode", "threads", "--calls", str(arguments.threads * 4),
            "--threads", str(arguments.threads), *concurrency,
        )  # fmt: skip
    quantiles = statistics.quantiles(cold["seconds"], n=10)
    print(
        f"{arguments.pools} pools, latency {arguments.latency * 1000:.0f} ms, cap {arguments.concurrency}, "
        f"{arguments.calls} calls per figure; one FtlClient in a child process.\n"
    )
    print(
        table(
            [
                "calls",
                "median",
                "p10",
                "p90",
                "ideal",
                "median / ideal",
                "CPU per call",
                "requests",
                "peak in flight",
            ],
            [
                [
                    "fetching every page",
                    ms(cold["median"]),
                    ms(quantiles[0]),
                    ms(quantiles[-1]),
                    ms(ideal),
                    f"{cold['median'] / ideal:.2f}x",
                    ms(cold["cpu_median"]),
                    str(cold["requests"]),
                    str(cold["peak_in_flight"]),
                ],
                [
                    "served by the HTTP cache",
                    ms(cached["median"]),
                    ms(statistics.quantiles(cached["seconds"], n=10)[0]),
                    ms(statistics.quantiles(cached["seconds"], n=10)[-1]),
                    "0 ms",
                    "",
                    ms(cached["cpu_median"]),
                    str(cached["requests"]),
                    str(cached["peak_in_flight"]),
                ],
            ],
        )
    )
    print(
        f"\nRSS of the calling process: {cold['rss_first_mib']:.1f} MiB after the first call, "
        f"{cold['rss_start_mib']:.1f} MiB after the warm-up, then {cold['rss_mid_mib']:.1f} MiB after "
        f"{arguments.calls // 2} more calls and {cold['rss_end_mib']:.1f} MiB after {arguments.calls} "
        f"(growth over the {arguments.calls} calls {cold['rss_end_mib'] - cold['rss_start_mib']:+.1f} MiB, "
        f"{cold['rss_end_mib'] - cold['rss_first_mib']:+.1f} MiB from the first call); cached calls: "
        f"{cached['rss_end_mib'] - cached['rss_start_mib']:+.1f} MiB."
    )
    print(
        f"{arguments.threads} threads, {arguments.threads * 4} calls through one client: "
        f"{threads['wall_seconds']:.2f} s, {threads['requests']} requests, peak in flight "
        f"{threads['peak_in_flight']} (cap {arguments.concurrency}); every bundle equal: "
        f"{threads['bundles_equal']}."
    )
    print(f"\nLoad average {' '.join(f'{value:.2f}' for value in os.getloadavg())} at the end.")
    print(f"(benchmark run took {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
