"""``fetch_event_bundle`` and ``fetch_tournament`` from Python, each crawl in a child process."""

from __future__ import annotations

from typing import Any

import pytest

from ftl_scraper import fetch_event_bundle, fetch_tournament
from ftl_scraper.errors import CrawlTimeoutError, FtlError, InvalidArgumentError
from tests.fakeftl import Delay, EventPlan, FakeFtlServer, FakeTournament, Status, generate_tournament


@pytest.fixture(scope="module")
def tournament() -> FakeTournament:
    return generate_tournament([EventPlan(rounds=2), EventPlan(rounds=0), EventPlan(rounds=1)], seed=44)


@pytest.fixture
def ftl(fake_ftl: FakeFtlServer, tournament: FakeTournament) -> FakeFtlServer:
    fake_ftl.add_tournament(tournament)
    return fake_ftl


def test_fetch_event_bundle_from_a_url(ftl: FakeFtlServer, tournament: FakeTournament) -> None:
    event = tournament.events[0]

    bundle = fetch_event_bundle(
        url=ftl.url(f"/events/view/{event.event_id}"), settings={"FTL_BASE_URL": ftl.base_url}
    )

    assert bundle == event.expected_bundle(tournament)


def test_fetch_tournament_yields_every_event(ftl: FakeFtlServer, tournament: FakeTournament) -> None:
    items = list(fetch_tournament(tournament.tournament_id, settings={"FTL_BASE_URL": ftl.base_url}))

    expected = [event.expected_tournament_item(tournament) for event in tournament.events]
    assert sorted(items, key=lambda item: item["event_id"]) == sorted(
        expected, key=lambda item: item["event_id"]
    )


def test_fetch_tournament_yields_the_events_done_then_raises_why_it_stopped(
    ftl: FakeFtlServer, tournament: FakeTournament
) -> None:
    ftl.add_fault("/tournaments/eventSchedule/", Status(404), forever=True)

    with pytest.raises(FtlError, match="HTTP 404"):
        list(fetch_tournament(tournament.tournament_id, settings={"FTL_BASE_URL": ftl.base_url}))


def test_a_url_of_another_site_is_refused_before_any_process() -> None:
    with pytest.raises(InvalidArgumentError, match=r"url must be on www\.fencingtimelive\.com"):
        fetch_tournament(url="https://example.org/tournaments/eventSchedule/" + "A" * 32)


def test_total_timeout_stops_a_tournament_crawl_after_the_events_done_by_then(
    ftl: FakeFtlServer, tournament: FakeTournament
) -> None:
    # the last event's pools never answer: every other event is done well before the deadline
    stuck = tournament.events[-1]
    ftl.add_fault(f"/pools/scores/{stuck.event_id}/", Delay(600), forever=True)
    settings = {"FTL_BASE_URL": ftl.base_url, "HTTPCACHE_ENABLED": 0, "DOWNLOAD_TIMEOUT": 300}
    stream = fetch_tournament(tournament.tournament_id, total_timeout=4, settings=settings)
    items: list[dict[str, Any]] = []

    with pytest.raises(CrawlTimeoutError, match=r"did not finish within total_timeout=4 s; it was stopped"):
        items.extend(stream)  # keeps the items yielded before the error

    done = [event for event in tournament.events if event is not stuck]
    expected = [event.expected_tournament_item(tournament) for event in done]
    assert sorted(items, key=lambda item: item["event_id"]) == sorted(
        expected, key=lambda item: item["event_id"]
    )
