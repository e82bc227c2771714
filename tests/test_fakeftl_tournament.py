"""The stand-in's tournaments: generated ground truth, and the pages it serves for them."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from ftl_scraper.models import EventBundle, TournamentEvent
from tests.fakeftl import EventPlan, FakeFtlServer, FakeTournament, generate_tournament


@pytest.fixture(scope="module")
def tournament() -> FakeTournament:
    return generate_tournament(
        [EventPlan(rounds=2), EventPlan(rounds=1, state="pools"), EventPlan(rounds=0)], seed=5
    )


@pytest.fixture(scope="module")
def server(tournament: FakeTournament) -> Iterator[FakeFtlServer]:
    with FakeFtlServer() as ftl:
        ftl.add_tournament(tournament)
        yield ftl


def fetch(server: FakeFtlServer, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(server.url(path), timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_events_have_the_planned_rounds_and_states(tournament: FakeTournament) -> None:
    assert [len(event.rounds) for event in tournament.events] == [2, 1, 0]
    assert [event.state for event in tournament.events] == ["finished", "pools", "not_started"]


def test_every_round_of_an_event_is_its_own_round_of_that_event(tournament: FakeTournament) -> None:
    first = tournament.events[0]

    assert {round_.event_id for round_ in first.rounds} == {first.event_id}
    assert len({round_.pool_round_id for round_ in first.rounds}) == 2


def test_only_a_finished_event_has_final_results_and_a_tableau(tournament: FakeTournament) -> None:
    assert [event.final_results is not None for event in tournament.events] == [True, False, False]
    assert [len(event.tableau_ids) for event in tournament.events] == [1, 0, 0]


def test_final_results_have_two_third_places(tournament: FakeTournament) -> None:
    results = tournament.events[0].final_results or []

    assert [(row.place, row.tie) for row in results[:5]] == [
        (1, False),
        (2, False),
        (3, True),
        (3, True),
        (5, False),
    ]


def test_expected_items_validate_against_the_contracts(tournament: FakeTournament) -> None:
    for event in tournament.events:
        EventBundle.model_validate(event.expected_bundle(tournament))
        TournamentEvent.model_validate(event.expected_tournament_item(tournament))


def test_generation_is_deterministic(tournament: FakeTournament) -> None:
    again = generate_tournament(
        [EventPlan(rounds=2), EventPlan(rounds=1, state="pools"), EventPlan(rounds=0)], seed=5
    )

    assert [event.expected_bundle(again) for event in again.events] == [
        event.expected_bundle(tournament) for event in tournament.events
    ]


def test_serves_the_schedule_with_a_row_per_event(server: FakeFtlServer, tournament: FakeTournament) -> None:
    status, html = fetch(server, f"/tournaments/eventSchedule/{tournament.tournament_id}")

    assert status == 200
    assert [html.count(f'id="ev_{event.event_id}"') for event in tournament.events] == [1, 1, 1]
    assert html.count("<h5>") == 2


def test_serves_each_event_page_with_its_round_tabs(
    server: FakeFtlServer, tournament: FakeTournament
) -> None:
    event = tournament.events[0]

    status, html = fetch(server, f"/events/format/{event.event_id.lower()}")

    assert status == 200
    assert all(f"/pools/scores/{event.event_id}/{r.pool_round_id}" in html for r in event.rounds)


def test_the_view_router_redirects_to_the_results_page(
    server: FakeFtlServer, tournament: FakeTournament
) -> None:
    event = tournament.events[1]

    status, html = fetch(server, f"/events/view/{event.event_id}")

    assert status == 200
    assert server.hits(f"/events/results/{event.event_id}") == 1
    assert "Final Results" not in html


def test_serves_final_results_json_empty_until_published(
    server: FakeFtlServer, tournament: FakeTournament
) -> None:
    assert fetch(server, f"/events/results/data/{tournament.events[2].event_id}") == (200, "[]")
    assert fetch(server, f"/events/results/data/{tournament.events[0].event_id}")[1].startswith('[{"id":')
