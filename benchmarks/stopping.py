"""How fast a crawl stops on Ctrl-C, and what a whole-entry cache write costs; prints Markdown.

From the repository root::

    python benchmarks/stopping.py [--repeat 5] [--entries 200]

Stopping: a real ``scrapy crawl pools`` child against a loopback fake FTL whose pool pages take
60 s (download timeout 300 s); SIGINT is sent once two pool pages are in flight, and the time to
the child's exit is measured from outside, with the requests the server saw after the signal.
Cache: ``entries`` stores and reads of a 20 kB page with Scrapy's ``FilesystemCacheStorage`` and
with the project's (staged and renamed into place), on the same disk, timed in-process.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from scrapy import Request, Spider  # noqa: E402
from scrapy.extensions.httpcache import FilesystemCacheStorage  # noqa: E402
from scrapy.http import HtmlResponse  # noqa: E402
from scrapy.utils.test import get_crawler  # noqa: E402

from ftl_scraper.fetching.cache import FtlFilesystemCacheStorage  # noqa: E402
from tests.fakeftl import Delay, FakeFtlServer, generate_event  # noqa: E402


def time_to_stop(server: FakeFtlServer, event_id: str, round_id: str) -> tuple[float, int]:
    command = [
        sys.executable, "-m", "scrapy", "crawl", "pools",
        "-a", f"event={event_id}", "-a", f"round={round_id}",
        "-s", f"FTL_BASE_URL={server.base_url}", "-s", "HTTPCACHE_ENABLED=0",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", "DOWNLOAD_TIMEOUT=300",
        "-O", str(Path(tempfile.mkdtemp()) / "round.json"),
    ]  # fmt: skip
    child = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while server.in_flight < 2:
        time.sleep(0.01)
    requests_at_signal = len(server.requests)
    started = time.perf_counter()
    child.send_signal(signal.SIGINT)
    child.wait()
    return time.perf_counter() - started, len(server.requests) - requests_at_signal


def cache_costs(storage_class: type[FilesystemCacheStorage], entries: int) -> tuple[float, float]:
    """Milliseconds per stored entry and per read entry."""
    crawler = get_crawler(Spider, {"HTTPCACHE_DIR": tempfile.mkdtemp(), "HTTPCACHE_EXPIRATION_SECS": 0})
    spider = Spider(name="pools")
    spider.crawler = crawler
    storage = storage_class(crawler.settings)
    storage.open_spider(spider)
    requests = [Request(f"https://www.fencingtimelive.com/pools/{number}") for number in range(entries)]
    started = time.perf_counter()
    for request in requests:
        page = HtmlResponse(request.url, body=b"x" * 20_000, headers={"Content-Type": "text/html"})
        storage.store_response(spider, request, page)
    storage.close_spider(spider)  # ours writes in a background thread: count until it is done
    stored = time.perf_counter() - started
    storage.open_spider(spider)
    started = time.perf_counter()
    for request in requests:
        assert storage.retrieve_response(spider, request) is not None
    read = time.perf_counter() - started
    storage.close_spider(spider)
    return stored / entries * 1000, read / entries * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--entries", type=int, default=200)
    options = parser.parse_args()

    event = generate_event(seed=11, pool_count=24)
    with FakeFtlServer(event) as server:
        server.add_fault(f"/pools/scores/{event.event_id}/{event.pool_round_id}/", Delay(60), forever=True)
        stops = [time_to_stop(server, event.event_id, event.pool_round_id) for _ in range(options.repeat)]
    seconds = [stop for stop, _ in stops]
    print("| Ctrl-C with 2 pool pages in flight (60 s each), 22 queued | figure |")
    print("|---|---|")
    print(f"| signal to exit, median of {options.repeat} (s) | {statistics.median(seconds):.2f} |")
    print(f"| slowest (s) | {max(seconds):.2f} |")
    print(f"| requests FTL saw after the signal, all runs | {sum(after for _, after in stops)} |")
    print()
    print(f"| cache, {options.entries} entries of 20 kB | store (ms/entry) | read (ms/entry) |")
    print("|---|---|---|")
    for label, storage_class in (
        ("Scrapy's FilesystemCacheStorage", FilesystemCacheStorage),
        ("FtlFilesystemCacheStorage (staged, renamed)", FtlFilesystemCacheStorage),
    ):
        stored, read = cache_costs(storage_class, options.entries)
        print(f"| {label} | {stored:.2f} | {read:.2f} |")


if __name__ == "__main__":
    main()
