"""EventAssembly across a watch's polls: each poll starts from the last; rounds and tableaus the tab
bar adds are waited for, settled ones stay in without a fetch."""

from __future__ import annotations

import dataclasses

import pytest

from ftl_scraper.items import PageKind
from ftl_scraper.models import EventBundle, PoolsBundle, TableauBundle
from ftl_scraper.parsers import EventPage
from ftl_scraper.parsers.tableau_trees import TreeListing
from ftl_scraper.pipelines.event_assembly import EventAssembly
from ftl_scraper.watch.polling import PollPlan
from tests.fakeftl import EventPlan, FakeTournament, generate_tournament


@pytest.fixture(scope="module")
def tournament() -> FakeTournament:
    return generate_tournament([EventPlan(rounds=2, pool_count=2)], seed=5)


def page_of(tournament: FakeTournament, *, rounds: int, tableaus: int) -> EventPage:
    event = tournament.events[0]
    return EventPage(
        event_id=event.event_id,
        tournament_id=tournament.tournament_id,
        tournament_name=tournament.name,
        event_name=event.event_name,
        event_time=event.event_time,
        pool_round_ids=[pool_round.pool_round_id for pool_round in event.rounds[:rounds]],
        tableau_ids=event.tableau_ids[:tableaus],
        final_results_published=False,
    )


def first_poll(tournament: FakeTournament, *, rounds: int, tableaus: int) -> EventAssembly:
    """An event assembly with every page of the first ``rounds`` rounds and ``tableaus`` tableaus in."""
    event = tournament.events[0]
    assembly = EventAssembly(event.event_id)
    assembly.fold_event_page(page_of(tournament, rounds=rounds, tableaus=tableaus))
    assembly.fold_final_results([])
    for fake_round in event.rounds[:rounds]:
        expected = PoolsBundle.model_validate(fake_round.expected_bundle())
        pool_round = assembly.rounds[fake_round.pool_round_id]
        pool_round.fold_pool_ids(fake_round.pool_ids)
        assert expected.results is not None
        pool_round.fold_results(expected.results)
        for pool in expected.pools:
            pool_round.fold_pool(pool)
    for fake_tableau in event.tableaus[:tableaus]:
        expected_tableau = TableauBundle.model_validate(fake_tableau.expected_bundle())
        tableau = assembly.tableaus[fake_tableau.tableau_id]
        tableau.fold_trees(
            [
                TreeListing(
                    tree_id=tree.tree_id,
                    name=tree.name,
                    table_count=tree.table_count,
                    tree_number=tree.tree_number,
                )
                for tree in fake_tableau.trees
            ]
        )
        for tree in expected_tableau.trees:
            tableau.fold_tree(tree)
    assert assembly.is_done, assembly.missing_pages()
    return assembly


def test_a_poll_waits_for_the_event_pages_and_the_unsettled_parts(tournament: FakeTournament) -> None:
    event = tournament.events[0]
    first = first_poll(tournament, rounds=1, tableaus=0)
    [pool_round] = event.rounds[:1]
    settled = frozenset(pool_round.pool_ids[:1])
    following = first.next_poll(PollPlan(2, settled=settled, with_results=False))

    assert following.missing_pages() == [
        "the event page",
        "the final results JSON",
        f"round {pool_round.pool_round_id}: the pools page",
    ]
    following.fold_unchanged(PageKind.EVENT_PAGE)
    following.fold_unchanged(PageKind.FINAL_RESULTS)
    following.rounds[pool_round.pool_round_id].fold_unchanged(PageKind.POOL_IDS)
    assert following.missing_pages() == [f"round {pool_round.pool_round_id}: pool {pool_round.pool_ids[1]}"]
    following.rounds[pool_round.pool_round_id].fold_unchanged(PageKind.POOL_FRAGMENT, pool_round.pool_ids[1])
    assert following.is_done
    assert following.build_bundle() == first.build_bundle()


def test_the_results_of_a_round_are_waited_for_when_the_plan_fetches_them(tournament: FakeTournament) -> None:
    [pool_round] = tournament.events[0].rounds[:1]
    first = first_poll(tournament, rounds=1, tableaus=0)
    plan = PollPlan(
        2,
        settled=frozenset(pool_round.pool_ids),
        with_results=False,
        rounds_with_results=frozenset({pool_round.pool_round_id}),
    )
    following = first.next_poll(plan)
    following.fold_unchanged(PageKind.EVENT_PAGE)
    following.fold_unchanged(PageKind.FINAL_RESULTS)
    following.rounds[pool_round.pool_round_id].fold_unchanged(PageKind.POOL_IDS)

    assert following.missing_pages() == [f"round {pool_round.pool_round_id}: the results JSON"]


def test_a_settled_round_and_tableau_count_as_in_without_a_fetch(tournament: FakeTournament) -> None:
    event = tournament.events[0]
    first = first_poll(tournament, rounds=2, tableaus=1)
    settled = frozenset({event.rounds[0].pool_round_id, event.rounds[1].pool_round_id, *event.tableau_ids})
    following = first.next_poll(PollPlan(2, settled=settled, with_results=False))

    assert following.missing_pages() == ["the event page", "the final results JSON"]
    following.fold_unchanged(PageKind.EVENT_PAGE)
    following.fold_unchanged(PageKind.FINAL_RESULTS)
    assert following.build_bundle() == first.build_bundle()


def test_a_round_and_a_tableau_the_tab_bar_adds_are_waited_for(tournament: FakeTournament) -> None:
    event = tournament.events[0]
    first = first_poll(tournament, rounds=1, tableaus=0)
    settled = frozenset(event.rounds[0].pool_ids)
    following = first.next_poll(PollPlan(2, settled=settled, with_results=False))
    kept = following.rounds[event.rounds[0].pool_round_id]
    following.fold_event_page(page_of(tournament, rounds=2, tableaus=1))

    # the known round is the one carried over (its pools in), the new ones start afresh
    assert following.rounds[event.rounds[0].pool_round_id] is kept
    assert list(following.rounds) == [pool_round.pool_round_id for pool_round in event.rounds]
    assert list(following.tableaus) == event.tableau_ids
    assert following.missing_pages() == [
        "the final results JSON",
        f"round {event.rounds[0].pool_round_id}: the pools page",
        f"round {event.rounds[1].pool_round_id}: the pools page",
        f"round {event.rounds[1].pool_round_id}: the results JSON",
        f"tableau {event.tableau_ids[0]}: the trees JSON",
    ]


def test_the_carried_bundle_keeps_the_last_final_results(tournament: FakeTournament) -> None:
    event = tournament.events[0]
    assert event.final_results is not None
    first = first_poll(tournament, rounds=2, tableaus=1)
    published = dataclasses.replace(page_of(tournament, rounds=2, tableaus=1), final_results_published=True)
    first.fold_event_page(published)
    first.fold_final_results(event.final_results)
    settled = frozenset({event.rounds[0].pool_round_id, event.rounds[1].pool_round_id, *event.tableau_ids})
    following = first.next_poll(PollPlan(2, settled=settled, with_results=False))
    following.fold_unchanged(PageKind.EVENT_PAGE)
    following.fold_unchanged(PageKind.FINAL_RESULTS)

    bundle = following.build_bundle()
    assert bundle.final_results == event.final_results
    assert bundle == EventBundle.model_validate(event.expected_bundle(tournament))
