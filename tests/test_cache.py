"""The HTTP cache across runs: 180 s TTL, never an error, force_refresh bypasses and overwrites."""

from __future__ import annotations

import ast
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f

from ftl_scraper.errors import FetchError
from ftl_scraper.run.outcome import ExitStatus

from .crawling import CrawlRun, crawl_pools, project_settings
from .fakeftl import Body, FakeEvent, FakeFtlServer, Fault, Reset, Status
from .fakeftl.server import JSON


def results_path(event: FakeEvent) -> str:
    return f"/pools/results/data/{event.event_id}/{event.pool_round_id}"


def page_count(event: FakeEvent) -> int:
    return len(event.pool_ids) + 2  # the pools page, every fragment, the results JSON


async def crawl(ftl: FakeFtlServer, event: FakeEvent, cache_dir: Path, **spider_arguments: Any) -> CrawlRun:
    # HTTPCACHE_EXPIRATION_SECS is left at the project's default on purpose
    settings = project_settings(
        FTL_BASE_URL=ftl.base_url,
        HTTPCACHE_DIR=str(cache_dir),
        FTL_RETRY_BACKOFF_BASE=0.02,
        DOWNLOAD_TIMEOUT=0.5,
    )
    return await crawl_pools(settings, event=event.event_id, round=event.pool_round_id, **spider_arguments)


def stored_statuses(cache_dir: Path) -> list[int]:
    """The HTTP status of every entry in the filesystem cache (its readable ``meta`` file)."""
    return [ast.literal_eval(meta.read_text())["status"] for meta in cache_dir.rglob("meta")]


def age_cache(cache_dir: Path, seconds: float) -> None:
    """Make every entry look ``seconds`` old (the storage reads the age off pickled_meta's mtime)."""
    then = time.time() - seconds
    for entry in cache_dir.rglob("pickled_meta"):
        os.utime(entry, (then, then))


@deferred_f_from_coro_f
async def test_a_second_run_is_served_from_the_cache(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    first = await crawl(fake_ftl, fake_event, tmp_path)
    assert len(fake_ftl.requests) == page_count(fake_event)
    fake_ftl.reset()

    second = await crawl(fake_ftl, fake_event, tmp_path)
    assert fake_ftl.requests == []
    assert second.stats["httpcache/hit"] == page_count(fake_event)
    assert second.bundle == first.bundle == fake_event.expected_bundle()


@pytest.mark.parametrize(("age", "refetched"), [(170, False), (181, True)])
@deferred_f_from_coro_f
async def test_entries_live_180_seconds(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path, age: float, refetched: bool
) -> None:
    await crawl(fake_ftl, fake_event, tmp_path)
    age_cache(tmp_path, age)
    fake_ftl.reset()

    await crawl(fake_ftl, fake_event, tmp_path)
    assert len(fake_ftl.requests) == (page_count(fake_event) if refetched else 0)


@pytest.mark.parametrize("fault", [Status(503), Status(404), Reset()], ids=["503", "404", "reset"])
@deferred_f_from_coro_f
async def test_errors_and_failed_downloads_are_never_stored(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path, fault: Fault
) -> None:
    fake_ftl.add_fault(results_path(fake_event), fault, forever=True)
    failed = await crawl(fake_ftl, fake_event, tmp_path, partial=True)
    assert failed.bundle["results"] is None
    assert set(stored_statuses(tmp_path)) == {200}
    assert len(stored_statuses(tmp_path)) == page_count(fake_event) - 1
    fake_ftl.reset()

    # FTL has recovered: the next run asks it again for the results, and only for them
    recovered = await crawl(fake_ftl, fake_event, tmp_path)
    assert [request.path for request in fake_ftl.requests] == [results_path(fake_event)]
    assert recovered.bundle == fake_event.expected_bundle()


@deferred_f_from_coro_f
async def test_force_refresh_bypasses_the_cache_and_overwrites_it(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    await crawl(fake_ftl, fake_event, tmp_path)
    fake_ftl.reset()
    # the ranking moved on since the first run: one fencer less in the results JSON
    newer_results = json.dumps(fake_event.results_json[:-1]).encode()
    fake_ftl.add_fault(results_path(fake_event), Body(newer_results, content_type=JSON))

    refreshed = await crawl(fake_ftl, fake_event, tmp_path, force_refresh=True)
    assert len(fake_ftl.requests) == page_count(fake_event)  # nothing came from the cache
    assert "httpcache/hit" not in refreshed.stats
    newer_ranking = refreshed.bundle["results"]
    assert newer_ranking != fake_event.expected_bundle()["results"]
    fake_ftl.reset()

    # the next normal run is all cache hits, and they hold the refreshed pages
    after = await crawl(fake_ftl, fake_event, tmp_path)
    assert fake_ftl.requests == []
    assert after.bundle["results"] == newer_ranking


@deferred_f_from_coro_f
async def test_force_refresh_reports_a_network_error_instead_of_the_stale_copy(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    await crawl(fake_ftl, fake_event, tmp_path)
    fake_ftl.reset()
    fake_ftl.add_fault(results_path(fake_event), Reset(), forever=True)

    refreshed = await crawl(fake_ftl, fake_event, tmp_path, force_refresh=True)
    outcome = refreshed.outcome
    assert outcome.status is ExitStatus.FAILED
    assert isinstance(outcome.errors[0], FetchError)
    assert outcome.errors[0].url == fake_ftl.url(results_path(fake_event))
    assert "httpcache/errorrecovery" not in refreshed.stats
    # retried like any failure (Twisted may also resend once on a reused connection by itself)
    assert refreshed.stats["retry/count"] == 2
