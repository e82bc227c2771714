"""Whole crawls of the stand-in FTL: the bundle's values, the requests made, the cache."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from scrapy.exceptions import DropItem
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_f_from_coro_f

from ftl_scraper.items import PoolFragmentPage
from ftl_scraper.models import PoolsBundle
from ftl_scraper.output.schema import load_bundle_schema, render_bundle_schema
from ftl_scraper.run.outcome import ExitStatus
from tests.crawling import crawl_pools
from tests.fakeftl import FakeEvent, FakeFtlServer, generate_event


@deferred_f_from_coro_f
async def test_bundle_equals_the_events_ground_truth(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, crawl_settings: Settings
) -> None:
    run = await crawl_pools(crawl_settings, event=fake_event.event_id, round=fake_event.pool_round_id)

    assert run.outcome.status is ExitStatus.OK
    assert run.bundle == fake_event.expected_bundle()


@deferred_f_from_coro_f
async def test_the_bundle_needs_no_request_beyond_ftls_pages(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, crawl_settings: Settings
) -> None:
    run = await crawl_pools(crawl_settings, event=fake_event.event_id, round=fake_event.pool_round_id)

    assert run.bundle == fake_event.expected_bundle()
    # the pools page, every fragment and the results JSON: nothing else goes through the downloader
    assert run.stats["downloader/request_count"] == len(fake_event.pool_ids) + 2
    assert len(fake_ftl.requests) == len(fake_event.pool_ids) + 2


@deferred_f_from_coro_f
async def test_bundle_validates_against_the_shipped_schema(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, crawl_settings: Settings
) -> None:
    run = await crawl_pools(crawl_settings, event=fake_event.event_id, round=fake_event.pool_round_id)

    jsonschema.validate(run.bundle, load_bundle_schema())
    PoolsBundle.model_validate(run.bundle)


def test_shipped_schema_is_generated_from_the_models() -> None:
    assert load_bundle_schema() == json.loads(render_bundle_schema())


@deferred_f_from_coro_f
async def test_one_request_per_pool_plus_the_pools_page_and_results(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, crawl_settings: Settings
) -> None:
    await crawl_pools(crawl_settings, event=fake_event.event_id, round=fake_event.pool_round_id)

    paths = [request.path for request in fake_ftl.requests]
    assert len(paths) == len(fake_event.pools) + 2
    pools_page = f"/pools/scores/{fake_event.event_id}/{fake_event.pool_round_id}"
    assert paths.count(pools_page) == 1
    assert paths.count(f"/pools/results/data/{fake_event.event_id}/{fake_event.pool_round_id}") == 1
    assert sorted(p for p in paths if p.endswith("?dbut=true")) == sorted(
        f"{pools_page}/{pool_id}?dbut=true" for pool_id in fake_event.pool_ids
    )


@deferred_f_from_coro_f
async def test_second_crawl_within_the_ttl_is_served_from_the_cache(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, crawl_settings: Settings
) -> None:
    first = await crawl_pools(crawl_settings, event=fake_event.event_id, round=fake_event.pool_round_id)
    requests_after_first = len(fake_ftl.requests)

    second = await crawl_pools(crawl_settings, event=fake_event.event_id, round=fake_event.pool_round_id)

    assert len(fake_ftl.requests) == requests_after_first
    assert second.stats["httpcache/hit"] == len(fake_event.pools) + 2
    assert second.bundle == first.bundle


@deferred_f_from_coro_f
async def test_url_argument_carries_both_ids(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, crawl_settings: Settings
) -> None:
    url = f"{fake_ftl.base_url}/pools/scores/{fake_event.event_id.lower()}/{fake_event.pool_round_id}"

    run = await crawl_pools(crawl_settings, url=url)

    assert run.bundle["event_id"] == fake_event.event_id
    assert run.bundle["pools"] == fake_event.expected_bundle()["pools"]


@pytest.mark.parametrize(
    "options",
    [
        {"affiliation_style": "club", "strip_style": "mixed"},
        {"affiliation_style": "club_division_country", "strip_style": "letter", "pool_sizes": (5,)},
        {"pending_bouts": 4},
    ],
    ids=["club-codes-mixed-strips", "us-style-letter-strips", "pool-in-progress"],
)
@deferred_f_from_coro_f
async def test_event_variants_come_out_exactly(
    options: dict[str, object], fake_ftl: FakeFtlServer, tmp_path: Path, crawl_settings: Settings
) -> None:
    event = generate_event(seed=5, pool_count=8, **options)  # type: ignore[arg-type]
    fake_ftl.add_event(event, ids_style="multiline")

    run = await crawl_pools(crawl_settings, event=event.event_id, round=event.pool_round_id)

    assert run.bundle == event.expected_bundle()


@deferred_f_from_coro_f
async def test_a_page_dropped_without_an_error_never_yields_a_complete_bundle(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, crawl_settings: Settings
) -> None:
    dropped = fake_event.pool_ids[2]
    crawl_settings.set("ITEM_PIPELINES", {"tests.test_crawl.DropOnePoolPipeline": 100}, priority="cmdline")
    crawl_settings.set("FTL_DROPPED_POOL", dropped, priority="cmdline")

    run = await crawl_pools(crawl_settings, event=fake_event.event_id, round=fake_event.pool_round_id)

    assert run.items == []
    assert run.outcome.status is ExitStatus.FAILED
    assert run.outcome.headline.startswith(f"the crawl ended without pool {dropped}")


class DropOnePoolPipeline:
    """Loses one pool's page the way a buggy component would: no error, nothing logged."""

    def __init__(self, pool_id: str) -> None:
        self.pool_id = pool_id

    @classmethod
    def from_crawler(cls, crawler: Any) -> DropOnePoolPipeline:
        return cls(crawler.settings["FTL_DROPPED_POOL"])

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PoolFragmentPage) and item.pool_id == self.pool_id:
            raise DropItem("lost", log_level="DEBUG")
        return item
