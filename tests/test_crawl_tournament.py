"""Whole `tournament` crawls against the stand-in FTL: every event of a schedule, one item each."""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import pytest
from scrapy import signals
from scrapy.crawler import AsyncCrawlerRunner
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_f_from_coro_f

from ftl_scraper.output.schema import TOURNAMENT_EVENT_SCHEMA_FILE, load_schema
from ftl_scraper.run.outcome import ExitStatus
from ftl_scraper.spiders import TournamentSpider
from tests.crawling import CrawlRun, crawl_spider
from tests.fakeftl import (
    Body,
    EventPlan,
    FakeFtlServer,
    FakeTournament,
    Status,
    generate_event,
    generate_tournament,
)
from tests.samples import real_sample


@pytest.fixture(scope="module")
def tournament() -> FakeTournament:
    """Five events over three days: 2, 1 and 2 rounds finished, one in its pools, one not started."""
    return generate_tournament(
        [
            EventPlan(rounds=2),
            EventPlan(rounds=1),
            EventPlan(rounds=1, state="pools"),
            EventPlan(rounds=0),
            EventPlan(rounds=2),
        ],
        seed=33,
    )


@pytest.fixture
def ftl(fake_ftl: FakeFtlServer, tournament: FakeTournament) -> FakeFtlServer:
    fake_ftl.add_tournament(tournament)
    return fake_ftl


def by_event(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["event_id"]: item for item in items}


def expected_items(tournament: FakeTournament) -> dict[str, dict[str, Any]]:
    return by_event([event.expected_tournament_item(tournament) for event in tournament.events])


async def crawl_tournament(settings: Settings, **arguments: str) -> CrawlRun:
    return await crawl_spider(TournamentSpider, settings, **arguments)


@deferred_f_from_coro_f
async def test_every_event_of_the_schedule_equals_its_ground_truth(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    run = await crawl_tournament(crawl_settings, tournament=tournament.tournament_id)

    assert len(run.items) == len(tournament.events)
    assert by_event(run.items) == expected_items(tournament)
    assert run.outcome.status is ExitStatus.OK


@deferred_f_from_coro_f
async def test_items_carry_the_schedule_day_and_status(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    run = await crawl_tournament(crawl_settings, tournament=tournament.tournament_id)

    items = by_event(run.items)
    assert [
        (items[e.event_id]["schedule_day"], items[e.event_id]["schedule_status"]) for e in tournament.events
    ] == [(e.day, e.status) for e in tournament.events]


@deferred_f_from_coro_f
async def test_items_validate_against_the_shipped_schema(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    run = await crawl_tournament(crawl_settings, tournament=tournament.tournament_id)

    for item in run.items:
        jsonschema.validate(item, load_schema(TOURNAMENT_EVENT_SCHEMA_FILE))


@deferred_f_from_coro_f
async def test_discovery_adds_two_requests_per_event_and_no_page_twice(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    await crawl_tournament(crawl_settings, tournament=tournament.tournament_id)

    paths = [request.path for request in ftl.requests]
    assert len(paths) == len(set(paths)) == tournament.page_count


@deferred_f_from_coro_f
async def test_an_events_url_leads_to_its_whole_tournament_reading_its_page_once(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    event = tournament.events[1]

    run = await crawl_tournament(
        crawl_settings, url=ftl.url(f"/pools/scores/{event.event_id}/{event.rounds[0].pool_round_id}")
    )

    assert by_event(run.items) == expected_items(tournament)
    assert ftl.hits(f"/events/results/{event.event_id}") == 1
    assert len(ftl.requests) == tournament.page_count


@deferred_f_from_coro_f
async def test_the_schedule_url_works_as_the_id_does(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    run = await crawl_tournament(
        crawl_settings, url=ftl.url(f"/tournaments/eventSchedule/{tournament.tournament_id}")
    )

    assert by_event(run.items) == expected_items(tournament)


@deferred_f_from_coro_f
async def test_the_name_filter_keeps_matching_events_in_any_case(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    run = await crawl_tournament(
        crawl_settings, tournament=tournament.tournament_id, events="SENIOR.*(foil|épée)"
    )

    wanted = [e.event_id for e in tournament.events if e.event_name.startswith("Senior")]
    assert sorted(item["event_id"] for item in run.items) == sorted(wanted)
    assert len(wanted) == 2
    assert run.outcome.status is ExitStatus.OK
    other = next(e for e in tournament.events if e.event_id not in wanted)
    assert ftl.hits(f"/events/results/{other.event_id}") == 0


@deferred_f_from_coro_f
async def test_a_filter_matching_nothing_fails_naming_the_filter(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    run = await crawl_tournament(crawl_settings, tournament=tournament.tournament_id, events="kendo")

    assert run.items == []
    assert run.outcome.status is ExitStatus.FAILED
    assert "no event on the tournament's schedule matches events='kendo'" in run.outcome.headline


@deferred_f_from_coro_f
async def test_a_failing_event_is_exported_incomplete_and_the_others_whole(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    failing = tournament.events[0]
    pools_page = f"/pools/scores/{failing.event_id}/{failing.rounds[1].pool_round_id}"
    ftl.add_fault(lambda path: path == pools_page, Status(404), forever=True)

    run = await crawl_tournament(crawl_settings, tournament=tournament.tournament_id)

    items, expected = by_event(run.items), expected_items(tournament)
    assert {event_id: item for event_id, item in items.items() if event_id != failing.event_id} == {
        event_id: item for event_id, item in expected.items() if event_id != failing.event_id
    }
    broken = items[failing.event_id]
    assert (broken["complete"], len(broken["errors"])) == (False, 1)
    assert broken["errors"][0]["url"].endswith(pools_page)
    assert broken["pool_rounds"][0] == expected[failing.event_id]["pool_rounds"][0]
    assert (broken["pool_rounds"][1]["pools"], broken["pool_rounds"][1]["complete"]) == ([], False)
    assert run.outcome.status is ExitStatus.PARTIAL


@deferred_f_from_coro_f
async def test_a_failing_tableau_page_marks_only_its_event_incomplete(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    failing = tournament.events[4]
    [tableau] = failing.tableaus
    [tree] = tableau.trees
    tree_page = f"/tableaus/scores/{failing.event_id}/{tableau.tableau_id}/trees/{tree.tree_id}/tables/"
    ftl.add_fault(lambda path: path.startswith(tree_page), Status(500), forever=True)

    run = await crawl_tournament(crawl_settings, tournament=tournament.tournament_id)

    items, expected = by_event(run.items), expected_items(tournament)
    assert {event_id: item for event_id, item in items.items() if event_id != failing.event_id} == {
        event_id: item for event_id, item in expected.items() if event_id != failing.event_id
    }
    assert sum(len(event.tableaus) for event in tournament.events if event is not failing) == 2
    broken = items[failing.event_id]
    assert (broken["complete"], len(broken["errors"])) == (False, 1)
    assert broken["errors"][0]["url"].startswith(ftl.url(tree_page))
    assert tableau.tableau_id in broken["errors"][0]["message"]
    assert broken["pool_rounds"] == expected[failing.event_id]["pool_rounds"]
    assert broken["final_results"] == expected[failing.event_id]["final_results"]
    [broken_tableau] = broken["tableaus"]
    assert (broken_tableau["trees"], broken_tableau["complete"]) == ([], False)
    assert broken_tableau["errors"] == broken["errors"]
    assert run.outcome.status is ExitStatus.PARTIAL


@deferred_f_from_coro_f
async def test_a_failing_schedule_fails_the_crawl(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    ftl.add_fault("/tournaments/eventSchedule/", Status(404), forever=True)

    run = await crawl_tournament(crawl_settings, tournament=tournament.tournament_id)

    assert run.items == []
    assert run.outcome.status is ExitStatus.FAILED
    assert "FTL answered HTTP 404" in run.outcome.headline


@deferred_f_from_coro_f
async def test_the_first_event_is_exported_before_the_crawl_has_every_page(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    requests_at_export: list[int] = []

    class Watch:
        def item_scraped(self) -> None:
            requests_at_export.append(len(ftl.requests))

    watch = Watch()
    runner = AsyncCrawlerRunner(crawl_settings)
    crawler = runner.create_crawler(TournamentSpider)
    crawler.signals.connect(watch.item_scraped, signal=signals.item_scraped)
    await runner.crawl(crawler, tournament=tournament.tournament_id)

    assert len(requests_at_export) == len(tournament.events)
    assert requests_at_export[0] < tournament.page_count


@deferred_f_from_coro_f
async def test_when_ftl_stops_answering_the_crawl_stops_and_fails(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    ftl.add_fault("/pools/", Status(503), forever=True)
    crawl_settings.set("FTL_RETRY_BACKOFF_BASE", 0.01, priority="cmdline")

    run = await crawl_tournament(crawl_settings, tournament=tournament.tournament_id)

    assert run.outcome.status is ExitStatus.FAILED
    assert "FTL is not answering" in run.outcome.headline
    assert run.stats["finish_reason"] == "ftl_unavailable"
    # whatever was exported says what failed: every event with pools lost them
    not_started = tournament.events[3].event_id
    assert all(
        not item["complete"] and item["errors"] for item in run.items if item["event_id"] != not_started
    )


@deferred_f_from_coro_f
async def test_a_real_schedule_served_with_generated_events(
    fake_ftl: FakeFtlServer, crawl_settings: Settings
) -> None:
    schedule = real_sample("schedule-excerpt.html").read_bytes()
    # the six event IDs of the real excerpt, each given one generated round
    event_ids = [match.decode() for match in re.findall(rb'id="ev_([0-9A-F]{32})"', schedule)]
    tournament = generate_tournament(
        [
            EventPlan(rounds=[generate_event(seed=i, pool_count=2, event_id=e)])
            for i, e in enumerate(event_ids)
        ],
        seed=3,
    )
    fake_ftl.add_tournament(tournament)
    fake_ftl.add_fault(f"/tournaments/eventSchedule/{tournament.tournament_id}", Body(schedule), forever=True)

    run = await crawl_tournament(crawl_settings, tournament=tournament.tournament_id, events="junior")

    items = by_event(run.items)
    assert sorted(items) == sorted(event_ids[2:])  # the four Junior events
    assert [(items[e]["schedule_day"], items[e]["schedule_status"]) for e in event_ids[2:]] == [
        ("Friday September 25, 2026", "Finished at 7:27 PM (236 competitors)"),
        ("Saturday September 26, 2026", "Finished at 6:36 PM (194 competitors)"),
        ("Sunday September 27, 2026", "Fencing elimination round"),
        ("Sunday September 27, 2026", "Fencing elimination round"),
    ]
    for event in tournament.events[2:]:
        expected = event.expected_tournament_item(tournament)
        assert {k: v for k, v in items[event.event_id].items() if not k.startswith("schedule_")} == {
            k: v for k, v in expected.items() if not k.startswith("schedule_")
        }
