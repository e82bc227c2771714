"""Whole `event` crawls against the stand-in FTL: any URL of an event gives all of it."""

from __future__ import annotations

import jsonschema
import pytest
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_f_from_coro_f

from ftl_scraper.output.schema import EVENT_SCHEMA_FILE, load_schema
from ftl_scraper.run.outcome import ExitStatus
from ftl_scraper.spiders import EventSpider
from tests.crawling import CrawlRun, crawl_spider
from tests.fakeftl import (
    Body,
    EventPlan,
    FakeFtlServer,
    FakeTournament,
    Status,
    generate_event,
    generate_tableau,
    generate_tournament,
)
from tests.fakeftl.render import render_event_page
from tests.fakeftl.server import JSON
from tests.samples import real_sample

# the DE round that the real event page (tests read it from ../shared/ftl-samples) links to
REAL_TABLEAU_ID = "9E421190F4864D5894A5F24027185D36"


@pytest.fixture(scope="module")
def tournament() -> FakeTournament:
    """A finished event of two rounds, one in its pools, one not started."""
    return generate_tournament(
        [EventPlan(rounds=2, pool_count=4), EventPlan(rounds=1, state="pools"), EventPlan(rounds=0)], seed=21
    )


@pytest.fixture
def ftl(fake_ftl: FakeFtlServer, tournament: FakeTournament) -> FakeFtlServer:
    fake_ftl.add_tournament(tournament)  # the shared server forgets added pages at each reset
    return fake_ftl


async def crawl_event(settings: Settings, **arguments: str) -> CrawlRun:
    return await crawl_spider(EventSpider, settings, **arguments)


@deferred_f_from_coro_f
async def test_an_event_of_two_rounds_equals_its_ground_truth(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    event = tournament.events[0]

    run = await crawl_event(crawl_settings, event=event.event_id)

    assert run.bundle == event.expected_bundle(tournament)
    assert run.outcome.status is ExitStatus.OK


@deferred_f_from_coro_f
async def test_an_event_of_pools_and_a_tableau_carries_the_generated_bracket(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    event = tournament.events[0]
    [tableau] = event.tableaus

    run = await crawl_event(crawl_settings, event=event.event_id)

    assert run.bundle["tableau_ids"] == [tableau.tableau_id]
    assert run.bundle["tableaus"] == [tableau.expected_bundle()]
    assert [tree["winner"] is not None for tree in run.bundle["tableaus"][0]["trees"]] == [True]
    trees_json = f"/tableaus/scores/{event.event_id}/{tableau.tableau_id}/trees"
    [tree] = tableau.trees
    tree_page = f"{trees_json}/{tree.tree_id}/tables/0/{len(tree.bouts) + 1}"
    tableau_paths = [request.path for request in ftl.requests if request.path.startswith(trees_json)]
    assert sorted(tableau_paths) == [trees_json, tree_page]


@deferred_f_from_coro_f
async def test_a_failing_trees_json_leaves_the_rounds_whole_and_the_event_incomplete(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    event = tournament.events[0]
    [tableau] = event.tableaus
    trees_json = f"/tableaus/scores/{event.event_id}/{tableau.tableau_id}/trees"
    ftl.add_fault(lambda path: path == trees_json, Status(404), forever=True)

    run = await crawl_event(crawl_settings, event=event.event_id)

    expected = event.expected_bundle(tournament)
    assert run.bundle["pool_rounds"] == expected["pool_rounds"]
    assert run.bundle["final_results"] == expected["final_results"]
    assert (run.bundle["complete"], [error["url"] for error in run.bundle["errors"]]) == (
        False,
        [ftl.url(trees_json)],
    )
    assert run.bundle["tableaus"] == [
        {"event_id": event.event_id, "tableau_id": tableau.tableau_id, "trees": [], "complete": False,
         "errors": run.bundle["errors"]}
    ]  # fmt: skip
    assert run.outcome.status is ExitStatus.PARTIAL


@deferred_f_from_coro_f
async def test_rounds_come_in_tab_order_numbered_from_one(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    event = tournament.events[0]

    run = await crawl_event(crawl_settings, event=event.event_id)

    assert [(r["pool_round_id"], r["round_number"]) for r in run.bundle["pool_rounds"]] == [
        (event.rounds[0].pool_round_id, 1),
        (event.rounds[1].pool_round_id, 2),
    ]


@deferred_f_from_coro_f
async def test_the_bundle_validates_against_the_shipped_schema(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    run = await crawl_event(crawl_settings, event=tournament.events[0].event_id)

    jsonschema.validate(run.bundle, load_schema(EVENT_SCHEMA_FILE))


@deferred_f_from_coro_f
async def test_each_page_is_requested_once(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    event = tournament.events[0]

    await crawl_event(crawl_settings, event=event.event_id)

    paths = [request.path for request in ftl.requests]
    pool_pages = sum(len(r.pools) + 2 for r in event.rounds)  # pools page, fragments, results JSON
    tableau_pages = sum(1 + len(d.trees) for d in event.tableaus)  # trees JSON, each tree
    # + the event page and final results
    assert len(paths) == len(set(paths)) == 2 + pool_pages + tableau_pages
    assert tableau_pages == 2


@pytest.mark.parametrize(
    "path",
    [
        "/events/view/{E}",
        "/events/results/{E}",
        "/events/competitors/{E}",
        "/events/format/{E}",
        "/events/results/data/{E}",
        "/pools/scores/{E}/{R2}",
        "/tableaus/scores/{E}/{D}",
    ],
)
@deferred_f_from_coro_f
async def test_any_url_of_the_event_gives_the_whole_event(
    path: str, ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    event = tournament.events[0]
    url = ftl.url(path.format(E=event.event_id, R2=event.rounds[1].pool_round_id, D=event.tableau_ids[0]))

    run = await crawl_event(crawl_settings, url=url)

    assert run.bundle == event.expected_bundle(tournament)


@deferred_f_from_coro_f
async def test_the_view_url_follows_ftls_redirect_to_the_results_page(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    event = tournament.events[0]

    await crawl_event(crawl_settings, url=ftl.url(f"/events/view/{event.event_id}"))

    assert ftl.hits(f"/events/view/{event.event_id}") == 1
    assert ftl.hits(f"/events/results/{event.event_id}") == 1


@deferred_f_from_coro_f
async def test_an_event_in_its_pools_has_no_final_results_or_tableau_yet(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    event = tournament.events[1]

    run = await crawl_event(crawl_settings, event=event.event_id)

    assert run.bundle == event.expected_bundle(tournament)
    assert (run.bundle["final_results"], run.bundle["tableau_ids"]) == (None, [])


@deferred_f_from_coro_f
async def test_an_event_without_pools_is_complete_with_no_rounds(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    event = tournament.events[2]

    run = await crawl_event(crawl_settings, event=event.event_id)

    assert run.bundle == event.expected_bundle(tournament)
    assert (run.bundle["pool_rounds"], run.bundle["complete"]) == ([], True)
    assert len(ftl.requests) == 2


@deferred_f_from_coro_f
async def test_a_failed_pool_is_recorded_in_its_round_and_the_event(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    event = tournament.events[0]
    pool_id = event.rounds[1].pools[2].pool_id
    ftl.add_fault(f"/pools/scores/{event.event_id}/{event.rounds[1].pool_round_id}/{pool_id}", Status(404))

    run = await crawl_event(crawl_settings, event=event.event_id)

    second = run.bundle["pool_rounds"][1]
    assert (run.bundle["complete"], second["complete"], run.bundle["pool_rounds"][0]["complete"]) == (
        False,
        False,
        True,
    )
    assert [error["pool_id"] for error in run.bundle["errors"]] == [pool_id]
    assert second["errors"] == run.bundle["errors"]
    assert len(second["pools"]) == len(event.rounds[1].pools) - 1
    assert run.outcome.status is ExitStatus.PARTIAL


@deferred_f_from_coro_f
async def test_a_failed_event_page_leaves_the_final_results_alone(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    event = tournament.events[0]
    ftl.add_fault(f"/events/results/{event.event_id}", Status(404))

    run = await crawl_event(crawl_settings, event=event.event_id)

    assert (run.bundle["complete"], run.bundle["pool_rounds"], run.bundle["event_name"]) == (False, [], None)
    assert "HTTP 404" in run.bundle["errors"][0]["message"]
    assert run.outcome.status is ExitStatus.PARTIAL


@deferred_f_from_coro_f
async def test_unreadable_final_results_are_an_error_of_the_event(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    event = tournament.events[0]
    ftl.add_fault(f"/events/results/data/{event.event_id}", Status(200, b'[{"place": "1"}]'))

    run = await crawl_event(crawl_settings, event=event.event_id)

    assert run.bundle["final_results"] is None
    assert "missing required field 'id'" in run.bundle["errors"][0]["message"]
    assert run.bundle["pool_rounds"] == event.expected_bundle(tournament)["pool_rounds"]


@deferred_f_from_coro_f
async def test_links_to_another_events_rounds_are_not_followed(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    event, other = tournament.events[0], tournament.events[1]
    other_round = f"/pools/scores/{other.event_id}/{other.rounds[0].pool_round_id}"
    page = render_event_page(tournament, event, "results").replace(
        "</body>", f'<a href="{other_round}">the sister event</a></body>'
    )
    assert other_round in page
    ftl.add_fault(f"/events/results/{event.event_id}", Body(page.encode()))

    run = await crawl_event(crawl_settings, event=event.event_id)

    assert run.bundle == event.expected_bundle(tournament)
    assert ftl.hits(other_round) == 0


@deferred_f_from_coro_f
async def test_a_real_event_page_and_results_served_with_a_generated_round(
    fake_ftl: FakeFtlServer, crawl_settings: Settings
) -> None:
    page = real_sample("event-results.html").read_bytes()
    results = real_sample("event-results-data.json").read_bytes()
    event_id, round_id = "1DAD5541330547AC9204125523A0C1A9", "BEFC1B852E51421BAC199870928AF198"
    pool_round = generate_event(seed=8, pool_count=4, event_id=event_id, pool_round_id=round_id)
    fake_ftl.add_event(pool_round)
    # the DE round the real page's Tableau tab links to
    tableau = generate_tableau(seed=8, size=64, entrants=53, event_id=event_id, tableau_id=REAL_TABLEAU_ID)
    fake_ftl.add_tableau(tableau)
    fake_ftl.add_fault(f"/events/results/{event_id}", Body(page), forever=True)
    fake_ftl.add_fault(f"/events/results/data/{event_id}", Body(results, content_type=JSON), forever=True)

    run = await crawl_event(crawl_settings, url=fake_ftl.url(f"/pools/scores/{event_id}/{round_id}"))

    bundle = run.bundle
    assert (bundle["event_name"], bundle["event_time"], bundle["tournament_id"]) == (
        "V2 Szpada Mężczyzn",
        "Saturday, March 29, 2025 9:00 AM",
        "D050FA69743A43B590473A6442DF7AF7",
    )
    assert bundle["pool_rounds"] == [pool_round.expected_bundle() | {"round_number": 1}]
    assert bundle["tableau_ids"] == [REAL_TABLEAU_ID]
    assert bundle["tableaus"] == [tableau.expected_bundle()]
    assert len(bundle["final_results"]) == 53
    assert [row["place_label"] for row in bundle["final_results"][:4]] == ["1", "2", "3T", "3T"]
    assert bundle["complete"] is True


@deferred_f_from_coro_f
async def test_a_url_of_another_site_makes_no_request(
    ftl: FakeFtlServer, tournament: FakeTournament, crawl_settings: Settings
) -> None:
    run = await crawl_event(
        crawl_settings, url=f"https://other.example/events/view/{tournament.events[0].event_id}"
    )

    assert (run.items, ftl.requests) == ([], [])
    assert run.outcome.status is ExitStatus.FAILED
    assert run.outcome.headline.startswith(f"url must be on 127.0.0.1:{ftl.port} (FTL_BASE_URL)")
