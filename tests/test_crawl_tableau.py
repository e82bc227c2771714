"""Whole `tableau` crawls of the stand-in FTL: the bundle equals the generator's truth; requests; failures."""

from __future__ import annotations

import json

import jsonschema
import pytest
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_f_from_coro_f

from ftl_scraper.models import TableauBundle, TableauFencer
from ftl_scraper.output.schema import load_tableau_bundle_schema
from ftl_scraper.parsers.tableau import TreeSource, parse_tableau_html
from ftl_scraper.run.outcome import ExitStatus
from tests.crawling import crawl_tableau
from tests.fakeftl import FakeFtlServer, FakeTableau, Status, generate_tableau, render_tableau_tables
from tests.fakeftl.tableau import ftl_bracket_order

# each a different shape of real bracket, invented
TABLEAUS = {
    # a table of 64 part fenced: byes, a medical withdrawal, scheduled and unfenced bouts, referees
    "individual_in_progress": generate_tableau(seed=64, size=64, entrants=52, decided_columns=2),
    # whole, with "Quarterfinals", club / division / country affiliations, no referee lines
    "individual_finished": generate_tableau(
        seed=32,
        size=32,
        entrants=29,
        quarterfinals=True,
        affiliation_style="club_division_country",
        referees=False,
    ),
    # team event: a bronze tree listed before the main one, match IDs, scores to 45
    "team_finished": generate_tableau(seed=16, size=16, entrants=12, team=True, affiliation_style="country"),
    "team_semifinals_fenced": generate_tableau(
        seed=8, size=8, team=True, decided_columns=2, time_lines=False
    ),
}


@pytest.fixture
def ftl(fake_ftl: FakeFtlServer) -> FakeFtlServer:
    for tableau in TABLEAUS.values():
        fake_ftl.add_tableau(tableau)
    return fake_ftl


def trees_path(tableau: FakeTableau) -> str:
    return f"/tableaus/scores/{tableau.event_id}/{tableau.tableau_id}/trees"


@pytest.mark.parametrize("name", sorted(TABLEAUS))
@deferred_f_from_coro_f
async def test_bundle_equals_the_generators_truth(
    name: str, ftl: FakeFtlServer, crawl_settings: Settings
) -> None:
    tableau = TABLEAUS[name]
    run = await crawl_tableau(crawl_settings, event=tableau.event_id, tableau=tableau.tableau_id)

    assert run.outcome.status is ExitStatus.OK
    assert run.bundle == tableau.expected_bundle()


def test_the_stand_in_covers_every_bout_status() -> None:
    statuses = {
        bout["status"]
        for tableau in TABLEAUS.values()
        for tree in tableau.expected_bundle()["trees"]
        for round_ in tree["rounds"]
        for bout in round_["bouts"]
    }
    assert statuses == {"complete", "walkover", "bye", "scheduled", "pending"}


@deferred_f_from_coro_f
async def test_url_argument(ftl: FakeFtlServer, crawl_settings: Settings) -> None:
    tableau = TABLEAUS["team_finished"]
    url = f"{ftl.base_url}/tableaus/scores/{tableau.event_id.lower()}/{tableau.tableau_id}"
    run = await crawl_tableau(crawl_settings, url=url)

    assert run.bundle == tableau.expected_bundle()


@deferred_f_from_coro_f
async def test_a_url_of_another_site_makes_no_request(ftl: FakeFtlServer, crawl_settings: Settings) -> None:
    tableau = TABLEAUS["team_finished"]
    url = f"https://www.fencingtimelive.com/tableaus/scores/{tableau.event_id}/{tableau.tableau_id}"
    run = await crawl_tableau(crawl_settings, url=url)

    assert (run.items, ftl.requests) == ([], [])
    assert run.outcome.status is ExitStatus.FAILED
    assert run.outcome.headline.startswith(f"url must be on 127.0.0.1:{ftl.port} (FTL_BASE_URL)")


@deferred_f_from_coro_f
async def test_every_tree_is_requested_whole_with_its_winner_column(
    ftl: FakeFtlServer, crawl_settings: Settings
) -> None:
    tableau = TABLEAUS["team_finished"]
    await crawl_tableau(crawl_settings, event=tableau.event_id, tableau=tableau.tableau_id)

    expected = {trees_path(tableau)} | {
        f"{trees_path(tableau)}/{tree.tree_id}/tables/0/{len(tree.bouts) + 1}" for tree in tableau.trees
    }
    assert sorted(request.path for request in ftl.requests) == sorted(expected)


@deferred_f_from_coro_f
async def test_bundle_validates_against_the_shipped_schema(
    ftl: FakeFtlServer, crawl_settings: Settings
) -> None:
    tableau = TABLEAUS["individual_in_progress"]
    run = await crawl_tableau(crawl_settings, event=tableau.event_id, tableau=tableau.tableau_id)

    jsonschema.validate(run.bundle, load_tableau_bundle_schema())
    TableauBundle.model_validate(run.bundle)


@deferred_f_from_coro_f
async def test_a_failed_tree_stops_the_crawl_naming_the_tree(
    ftl: FakeFtlServer, crawl_settings: Settings
) -> None:
    tableau = TABLEAUS["team_finished"]
    bronze = tableau.trees[0]
    ftl.add_fault(f"{trees_path(tableau)}/{bronze.tree_id}/", Status(404))
    run = await crawl_tableau(crawl_settings, event=tableau.event_id, tableau=tableau.tableau_id)

    assert run.items == []
    assert run.outcome.status is ExitStatus.FAILED
    first = run.outcome.errors[0]
    assert (first.event_id, first.tableau_id, first.tree_id) == (
        tableau.event_id,
        tableau.tableau_id,
        bronze.tree_id,
    )
    assert f"tree {bronze.tree_id}" in str(first)
    assert bronze.tree_id in (first.url or "")


@deferred_f_from_coro_f
async def test_partial_mode_keeps_the_other_trees(ftl: FakeFtlServer, crawl_settings: Settings) -> None:
    tableau = TABLEAUS["team_finished"]
    bronze, main = tableau.trees
    ftl.add_fault(f"{trees_path(tableau)}/{bronze.tree_id}/", Status(404))
    run = await crawl_tableau(crawl_settings, event=tableau.event_id, tableau=tableau.tableau_id, partial="1")

    assert run.outcome.status is ExitStatus.PARTIAL
    assert run.bundle["complete"] is False
    assert run.bundle["trees"] == [main.expected().model_dump(mode="json")]
    [error] = run.bundle["errors"]
    assert (error["kind"], error["pool_id"]) == ("HttpStatusError", None)
    assert bronze.tree_id in error["url"]
    assert f"tree {bronze.tree_id}" in error["message"]


@deferred_f_from_coro_f
async def test_an_unreadable_tree_is_named_with_its_cell(
    ftl: FakeFtlServer, crawl_settings: Settings
) -> None:
    tableau = generate_tableau(seed=5, size=4)
    tree = tableau.trees[0]
    # a final whose winner column names a third fencer
    tree.bouts[-1][0].winner = "A"
    tree.bouts[-1][0].side_a = tree.first_column[1]
    ftl.add_tableau(tableau)
    run = await crawl_tableau(crawl_settings, event=tableau.event_id, tableau=tableau.tableau_id)

    assert run.outcome.status is ExitStatus.FAILED
    message = str(run.outcome.errors[0])
    assert f"tree 'Main Tableau' ({tree.tree_id}): table row" in message
    assert "is neither side of bout 1" in message
    assert f"tableau {tableau.tableau_id}" in message


@deferred_f_from_coro_f
async def test_a_repechage_tree_is_refused_not_guessed(ftl: FakeFtlServer, crawl_settings: Settings) -> None:
    tableau = generate_tableau(seed=6, size=8)
    tableau.trees[0].name = "T8 Rep 1/2 (C)"
    ftl.add_tableau(tableau)
    run = await crawl_tableau(crawl_settings, event=tableau.event_id, tableau=tableau.tableau_id)

    assert run.outcome.status is ExitStatus.FAILED
    assert "is a repechage tree" in str(run.outcome.errors[0])


@deferred_f_from_coro_f
async def test_behind_ftls_login_wall(
    ftl: FakeFtlServer, crawl_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ftl.require_login = True
    ftl.accounts = {"coach@example.com": "correct horse battery"}
    monkeypatch.setenv("FTL_USERNAME", "coach@example.com")
    monkeypatch.setenv("FTL_PASSWORD", "correct horse battery")
    tableau = TABLEAUS["team_finished"]
    run = await crawl_tableau(crawl_settings, event=tableau.event_id, tableau=tableau.tableau_id)

    assert run.bundle == tableau.expected_bundle()
    assert ftl.login_count == 1


@pytest.mark.parametrize("first", [1, 3])
def test_a_window_of_columns_reads_the_seeds_its_first_column_shows(first: int) -> None:
    tableau = TABLEAUS["individual_in_progress"]
    [tree] = tableau.trees
    html = render_tableau_tables(tree, first, 10, tableau.event_id, tableau.tableau_id)
    window = parse_tableau_html(html, TreeSource(tree.tree_id, tree.name, 0, tree.table_count), first)

    # truth: the rounds from `first` on, each fencer with the bracket-position number FTL shows
    # beside them in that column (ftl_bracket_order), not their seed
    shown_seed = {}
    for index, bout in enumerate(tree.bouts[first - 1]):
        winner = bout.winner_side
        if isinstance(winner, TableauFencer):
            shown_seed[winner.name] = ftl_bracket_order(len(tree.first_column) >> first)[index]
    expected = json.loads(json.dumps([r.model_dump(mode="json") for r in tree.expected().rounds[first:]]))
    for round_ in expected:
        for bout in round_["bouts"]:
            for side in ("fencer_a", "fencer_b"):
                if bout[side] is not None:
                    bout[side]["seed"] = shown_seed[bout[side]["name"]]
    assert [r.model_dump(mode="json") for r in window.rounds] == expected
