"""PoolRoundAssembly: a round is done when every expected page is folded in or failed."""

from __future__ import annotations

import random

import pytest

from ftl_scraper.errors import HttpStatusError, PoolIdsParseError
from ftl_scraper.items import PageKind
from ftl_scraper.models import PoolsBundle
from ftl_scraper.pipelines.pool_round_assembly import PoolRoundAssembly
from tests.fakeftl import FakeEvent, generate_event


@pytest.fixture(scope="module")
def event() -> FakeEvent:
    return generate_event(seed=3, pool_count=5)


@pytest.fixture(scope="module")
def expected(event: FakeEvent) -> PoolsBundle:
    # the generator's ground truth, as the models the parsers would have produced
    return PoolsBundle.model_validate(event.expected_bundle())


def new_assembly(event: FakeEvent) -> PoolRoundAssembly:
    return PoolRoundAssembly(event.event_id, event.pool_round_id)


@pytest.mark.parametrize("seed", range(4))
def test_every_page_in_any_order_gives_the_events_bundle(
    seed: int, event: FakeEvent, expected: PoolsBundle
) -> None:
    assembly = new_assembly(event)
    assert expected.results is not None
    results = expected.results
    later_pages = [lambda: assembly.fold_results(results)]
    later_pages += [lambda pool=pool: assembly.fold_pool(pool) for pool in expected.pools]  # type: ignore[misc]
    random.Random(seed).shuffle(later_pages)

    assembly.fold_pool_ids(event.pool_ids)
    for fold in later_pages:
        assert not assembly.is_done
        fold()

    assert assembly.is_done
    assert assembly.build_bundle().model_dump(mode="json") == event.expected_bundle()


def test_a_fragment_folded_before_the_pools_page_still_counts(
    event: FakeEvent, expected: PoolsBundle
) -> None:
    assembly = new_assembly(event)
    assert expected.results is not None
    for pool in expected.pools:
        assembly.fold_pool(pool)
    assembly.fold_results(expected.results)
    assert not assembly.is_done  # the pools page itself is still out

    assembly.fold_pool_ids(event.pool_ids)

    assert assembly.is_done
    assert assembly.build_bundle().model_dump(mode="json") == event.expected_bundle()


def test_a_failed_fragment_counts_as_in_and_is_listed(event: FakeEvent, expected: PoolsBundle) -> None:
    assembly = new_assembly(event)
    assert expected.results is not None
    failed_pool_id = event.pool_ids[1]
    error = HttpStatusError("FTL answered HTTP 500", status=500, pool_id=failed_pool_id, url="http://x/p")
    assembly.fold_pool_ids(event.pool_ids)
    assembly.fold_results(expected.results)
    for pool in expected.pools:
        if pool.pool_id != failed_pool_id:
            assembly.fold_pool(pool)
    assert not assembly.is_done
    assert assembly.missing_pages() == [f"pool {failed_pool_id}"]

    assembly.record_failed_page(PageKind.POOL_FRAGMENT, error, failed_pool_id)

    assert assembly.is_done
    bundle = assembly.build_bundle()
    assert bundle.complete is False
    assert [pool.pool_id for pool in bundle.pools] == [i for i in event.pool_ids if i != failed_pool_id]
    assert [(e.kind, e.pool_id, e.url) for e in bundle.errors] == [
        ("HttpStatusError", failed_pool_id, "http://x/p")
    ]


def test_a_failed_pools_page_expects_no_fragments(event: FakeEvent, expected: PoolsBundle) -> None:
    assembly = new_assembly(event)
    assert expected.results is not None
    assembly.record_failed_page(PageKind.POOL_IDS, PoolIdsParseError("no pool IDs"))
    assert assembly.missing_pages() == ["the results JSON"]

    assembly.fold_results(expected.results)

    assert assembly.is_done
    bundle = assembly.build_bundle()
    assert (bundle.pool_ids, bundle.pools, bundle.results) == ([], [], expected.results)
    assert [error.kind for error in bundle.errors] == ["PoolIdsParseError"]


def test_missing_pages_names_pools_first(event: FakeEvent) -> None:
    assembly = new_assembly(event)
    assert assembly.missing_pages() == ["the pools page", "the results JSON"]

    assembly.fold_pool_ids(event.pool_ids[:2])

    assert assembly.missing_pages() == [
        f"pool {event.pool_ids[0]}",
        f"pool {event.pool_ids[1]}",
        "the results JSON",
    ]
