"""The straightforward alternative to the spider: ``requests`` in a ``ThreadPoolExecutor``.

What a script written without Scrapy does: GET the pools page, read the pool IDs, then fetch
every pool fragment and the results JSON through a pool of ``concurrency`` threads sharing one
keep-alive ``requests.Session``, parse each page with the project's own parsers (the same
parse work as the spider), validate the bundle and write it as the feed does (indented JSON).
No retries, no cache, no politeness beyond the thread count.

Run as a child process by ``benchmarks/run.py``; prints one JSON line with the fetch time::

    python -m benchmarks.threadpool_fetcher BASE_URL EVENT_ID ROUND_ID OUTPUT [--concurrency 8]
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from ftl_scraper.models import Pool, PoolResults, PoolsBundle
from ftl_scraper.parsers import parse_pool_html, parse_pool_ids, parse_pool_results
from ftl_scraper.site.urls import PoolRoundUrls


def fetch_bundle(
    base_url: str, event_id: str, pool_round_id: str, output: Path, *, concurrency: int = 8
) -> int:
    """Fetch, parse and write one pool round; returns the number of pools in the bundle."""
    urls = PoolRoundUrls(base_url, event_id, pool_round_id)
    with requests.Session() as session:

        def get(url: str) -> requests.Response:
            response = session.get(url, timeout=10)
            response.raise_for_status()
            return response

        def fetch_pool(pool_id: str) -> Pool:
            return parse_pool_html(get(urls.pool_fragment(pool_id)).text, pool_id)

        def fetch_results() -> PoolResults:
            return parse_pool_results(get(urls.results_data).content, event_id, pool_round_id)

        pool_ids = parse_pool_ids(get(urls.pool_ids_page).text)
        with ThreadPoolExecutor(max_workers=concurrency) as executor:
            results = executor.submit(fetch_results)
            pools = list(executor.map(fetch_pool, pool_ids))
            bundle = PoolsBundle(
                event_id=event_id,
                pool_round_id=pool_round_id,
                pool_ids=pool_ids,
                pools=pools,
                results=results.result(),
                complete=True,
                errors=[],
            )
    document = [bundle.model_dump(mode="json")]
    output.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    return len(pools)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("event_id")
    parser.add_argument("pool_round_id")
    parser.add_argument("output", type=Path)
    parser.add_argument("--concurrency", type=int, default=8)
    arguments = parser.parse_args()
    started = time.monotonic()
    pool_count = fetch_bundle(
        arguments.base_url,
        arguments.event_id,
        arguments.pool_round_id,
        arguments.output,
        concurrency=arguments.concurrency,
    )
    elapsed = time.monotonic() - started
    print(json.dumps({"fetch_seconds": elapsed, "pools": pool_count}))


if __name__ == "__main__":
    main()
