"""EventAssembly: when an event is done, and the bundle it builds from its pages and failures."""

from __future__ import annotations

import pytest

from ftl_scraper.errors import FetchError
from ftl_scraper.items import PageKind, PoolFragmentPage, PoolIdsPage, PoolResultsPage
from ftl_scraper.models import FinalResult
from ftl_scraper.output.progress import progress_line
from ftl_scraper.parsers import EventPage
from ftl_scraper.pipelines.event_assembly import EventAssembly
from tests.fakeftl import FakeEvent, generate_event
from tests.fakeftl.render import render_pool_fragment, render_results_json

EVENT_ID = "E1000000000000000000000000000001"
ROUND_IDS = ["A1000000000000000000000000000002", "A1000000000000000000000000000001"]
ROW = FinalResult(
    fencer_id="F1",
    name="ONE Fencer",
    place=1,
    place_label="1",
    tie=False,
    excluded=False,
    country=None,
    club_primary=None,
    club_secondary=None,
    division=None,
)


def event_page(round_ids: list[str], *, published: bool = True) -> EventPage:
    return EventPage(
        event_id=EVENT_ID,
        tournament_id=None,
        tournament_name="Cup",
        event_name="Foil",
        event_time=None,
        pool_round_ids=round_ids,
        tableau_ids=[],
        final_results_published=published,
    )


def fold_whole_round(assembly: EventAssembly, round_: FakeEvent) -> None:
    pool_round = assembly.round(round_.pool_round_id)
    assert pool_round is not None
    pool_round_id = round_.pool_round_id
    pool_round.fold_page(PoolIdsPage(EVENT_ID, pool_round_id, url="u", pool_ids=round_.pool_ids))
    for pool in round_.pools:
        html = render_pool_fragment(pool, EVENT_ID, pool_round_id)
        pool_round.fold_page(
            PoolFragmentPage(EVENT_ID, pool_round_id, url="u", pool_id=pool.pool_id, html=html)
        )
    pool_round.fold_page(PoolResultsPage(EVENT_ID, pool_round_id, url="u", body=render_results_json(round_)))


@pytest.fixture(scope="module")
def rounds() -> list[FakeEvent]:
    return [
        generate_event(seed=n, pool_count=2, event_id=EVENT_ID, pool_round_id=round_id)
        for n, round_id in enumerate(ROUND_IDS)
    ]


def test_an_event_is_done_once_its_pages_and_every_round_are_in(rounds: list[FakeEvent]) -> None:
    assembly = EventAssembly(EVENT_ID)
    assembly.fold_final_results([ROW])
    assert not assembly.is_done
    assembly.fold_event_page(event_page(ROUND_IDS))
    fold_whole_round(assembly, rounds[0])
    assert (assembly.is_done, assembly.rounds_done) == (False, 1)

    fold_whole_round(assembly, rounds[1])

    assert assembly.is_done


def test_rounds_keep_the_pages_tab_order_and_are_numbered(rounds: list[FakeEvent]) -> None:
    assembly = EventAssembly(EVENT_ID)
    assembly.fold_event_page(event_page(ROUND_IDS))
    assembly.fold_final_results([])
    for round_ in reversed(rounds):
        fold_whole_round(assembly, round_)

    bundle = assembly.build_bundle()

    assert [(r.pool_round_id, r.round_number) for r in bundle.pool_rounds] == [
        (ROUND_IDS[0], 1),
        (ROUND_IDS[1], 2),
    ]
    assert [r.model_dump(mode="json") for r in bundle.pool_rounds] == [
        round_.expected_bundle() | {"round_number": number} for number, round_ in enumerate(rounds, 1)
    ]


def test_final_results_count_only_under_the_final_results_heading() -> None:
    assembly = EventAssembly(EVENT_ID)
    assembly.fold_event_page(event_page([], published=False))
    assembly.fold_final_results([ROW])

    assert assembly.build_bundle().final_results is None


def test_a_failed_event_page_completes_the_event_without_rounds() -> None:
    assembly = EventAssembly(EVENT_ID)
    assembly.record_failed_page(PageKind.EVENT_PAGE, FetchError("connection refused", url="https://x/e"))
    assembly.fold_final_results([ROW])

    bundle = assembly.build_bundle()

    assert assembly.is_done
    assert (bundle.complete, bundle.pool_rounds, bundle.event_name, bundle.final_results) == (
        False,
        [],
        None,
        None,
    )
    assert [error.url for error in bundle.errors] == ["https://x/e"]


def test_missing_pages_name_the_round_and_page(rounds: list[FakeEvent]) -> None:
    assembly = EventAssembly(EVENT_ID)
    assembly.fold_event_page(event_page(ROUND_IDS[:1]))

    assert assembly.missing_pages() == [
        "the final results JSON",
        f"round {ROUND_IDS[0]}: the pools page",
        f"round {ROUND_IDS[0]}: the results JSON",
    ]


def test_the_progress_line_counts_events_rounds_pages_and_errors() -> None:
    stats = {
        "ftl/events_done": 3,
        "ftl/events_found": 20,
        "ftl/rounds_found": 7,
        "response_received_count": 212,
    }

    assert progress_line(stats | {"ftl/errors": 1}) == (
        "ftl_scraper: 3/20 events done, 7 pool rounds found, 212 pages fetched, 1 error"
    )
