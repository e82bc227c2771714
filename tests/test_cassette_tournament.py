"""The shipped demo cassette's tournament: schedule, events and rounds replay offline."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_f_from_coro_f

from ftl_scraper.spiders import EventSpider, TournamentSpider
from tests.cassettes import DEMO_TOURNAMENT_ID, demo_tournament, go_offline
from tests.crawling import crawl_spider, project_settings


@pytest.fixture
def replay_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    go_offline(monkeypatch)
    return project_settings(FTL_CASSETTE="demo", HTTPCACHE_DIR=str(tmp_path / "cache"), LOG_LEVEL="INFO")


@deferred_f_from_coro_f
async def test_the_demo_tournament_replays_into_its_ground_truth(replay_settings: Settings) -> None:
    tournament = demo_tournament()

    run = await crawl_spider(TournamentSpider, replay_settings, tournament=DEMO_TOURNAMENT_ID)

    assert {item["event_id"]: item for item in run.items} == {
        event.event_id: event.expected_tournament_item(tournament) for event in tournament.events
    }
    assert [len(event.rounds) for event in tournament.events] == [1, 2, 0]


@deferred_f_from_coro_f
async def test_the_two_round_demo_event_replays_from_its_results_url(replay_settings: Settings) -> None:
    tournament = demo_tournament()
    event = tournament.events[1]

    run = await crawl_spider(
        EventSpider,
        replay_settings,
        url=f"https://www.fencingtimelive.com/events/results/{event.event_id}",
    )

    assert run.bundle == event.expected_bundle(tournament)
