"""PoolRoundAssembly across a watch's polls: each poll starts from the last; settled pools stay in."""

from __future__ import annotations

import pytest

from ftl_scraper.errors import FtlError
from ftl_scraper.items import PageKind
from ftl_scraper.models import PoolsBundle
from ftl_scraper.pipelines.pool_round_assembly import PoolRoundAssembly
from tests.fakeftl import FakeEvent, generate_event


@pytest.fixture(scope="module")
def event() -> FakeEvent:
    return generate_event(seed=3, pool_count=4)


@pytest.fixture
def first_poll(event: FakeEvent) -> PoolRoundAssembly:
    expected = PoolsBundle.model_validate(event.expected_bundle())
    assembly = PoolRoundAssembly(event.event_id, event.pool_round_id)
    assembly.fold_pool_ids(event.pool_ids)
    assert expected.results is not None
    assembly.fold_results(expected.results)
    for pool in expected.pools:
        assembly.fold_pool(pool)
    assert assembly.is_done
    return assembly


def test_a_poll_waits_only_for_the_pages_it_fetches(event: FakeEvent, first_poll: PoolRoundAssembly) -> None:
    settled = event.pool_ids[:3]
    following = first_poll.next_poll(settled_pool_ids=settled, with_results=False)

    assert not following.is_done
    assert following.missing_pages() == ["the pools page"]
    following.fold_unchanged(PageKind.POOL_IDS)
    assert following.missing_pages() == [f"pool {event.pool_ids[3]}"]
    following.fold_unchanged(PageKind.POOL_FRAGMENT, event.pool_ids[3])
    assert following.is_done
    assert following.build_bundle() == first_poll.build_bundle()


def test_a_poll_that_fetches_the_results_waits_for_them(
    event: FakeEvent, first_poll: PoolRoundAssembly
) -> None:
    following = first_poll.next_poll(settled_pool_ids=event.pool_ids, with_results=True)
    following.fold_unchanged(PageKind.POOL_IDS)

    assert following.missing_pages() == ["the results JSON"]


def test_a_new_pool_on_the_pools_page_is_waited_for(event: FakeEvent, first_poll: PoolRoundAssembly) -> None:
    following = first_poll.next_poll(settled_pool_ids=event.pool_ids, with_results=False)
    added = "0" * 31 + "1"
    following.fold_pool_ids([*event.pool_ids, added])

    assert following.missing_pages() == [f"pool {added}"]


def test_a_poll_whose_pools_page_fails_waits_for_the_pools_it_asked_for(
    event: FakeEvent, first_poll: PoolRoundAssembly
) -> None:
    following = first_poll.next_poll(settled_pool_ids=event.pool_ids[:3], with_results=False)
    following.record_failed_page(PageKind.POOL_IDS, FtlError("FTL answered HTTP 404"))

    assert following.missing_pages() == [f"pool {event.pool_ids[3]}"]
