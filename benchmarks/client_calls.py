"""Child process of ``benchmarks/client.py``: many ``FtlClient`` calls, timed from inside.

Prints one JSON line: each call's seconds, RSS along the way, and the last bundle::

    python -m benchmarks.client_calls BASE_URL EVENT_ID ROUND_ID CACHE_DIR --calls 100 --mode cold
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ftl_scraper import FtlClient

#: calls made before the measured ones
WARM_UP_CALLS = 10


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def sequential(client: FtlClient, event_id: str, round_id: str, calls: int, refresh: bool) -> dict[str, Any]:
    seconds, cpu_seconds, rss = [], [], []
    bundle = client.pools(event_id, round_id, force_refresh=refresh)  # imports, first crawler
    rss_first = rss_mib()
    for _ in range(WARM_UP_CALLS - 1):  # the allocator's pools and Scrapy's caches fill up
        client.pools(event_id, round_id, force_refresh=refresh)
    rss_start = rss_mib()
    for _ in range(calls):
        started, cpu_started = time.perf_counter(), time.process_time()
        bundle = client.pools(event_id, round_id, force_refresh=refresh)
        seconds.append(time.perf_counter() - started)
        cpu_seconds.append(time.process_time() - cpu_started)
        rss.append(rss_mib())
    return {
        "seconds": seconds,
        "median": statistics.median(seconds),
        "cpu_median": statistics.median(cpu_seconds),
        "rss_first_mib": rss_first,
        "rss_start_mib": rss_start,
        "rss_end_mib": rss[-1],
        "rss_mid_mib": rss[len(rss) // 2],
        "bundle": bundle.model_dump(mode="json"),
    }


def threads(client: FtlClient, event_id: str, round_id: str, calls: int, thread_count: int) -> dict[str, Any]:
    def one(_: int) -> dict[str, Any]:
        return client.pools(event_id, round_id, force_refresh=True).model_dump(mode="json")

    started = time.perf_counter()
    with ThreadPoolExecutor(thread_count) as pool:
        bundles = list(pool.map(one, range(calls)))
    return {
        "wall_seconds": time.perf_counter() - started,
        "bundles_equal": all(bundle == bundles[0] for bundle in bundles),
        "bundle": bundles[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base_url")
    parser.add_argument("event_id")
    parser.add_argument("round_id")
    parser.add_argument("cache_dir")
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--mode", choices=["cold", "cached", "threads"], default="cold")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=8)
    arguments = parser.parse_args()
    settings = {
        "FTL_BASE_URL": arguments.base_url,
        "HTTPCACHE_DIR": arguments.cache_dir,
        "CONCURRENT_REQUESTS_PER_DOMAIN": arguments.concurrency,
    }
    with FtlClient(settings) as client:
        if arguments.mode == "threads":
            report = threads(
                client, arguments.event_id, arguments.round_id, arguments.calls, arguments.threads
            )
        else:
            refresh = arguments.mode == "cold"
            report = sequential(client, arguments.event_id, arguments.round_id, arguments.calls, refresh)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
