"""Tests for parse_tableau_html and parse_tableau_trees: one tree's columns in, a models.TableauTree out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ftl_scraper.errors import LoginRequiredError, TableauParseError, TableauTreesParseError
from ftl_scraper.models import TableauBout, TableauReferee, TableauTree
from ftl_scraper.parsers.tableau import TreeSource, parse_tableau_html
from ftl_scraper.parsers.tableau_trees import parse_tableau_trees
from tests.samples import real_sample

FILES = Path(__file__).parent / "files"
TREE_ID = "C0FFEE00C0FFEE00C0FFEE00C0FFEE00"


def parse_fixture(name: str, table_count: int | None = None, first_table: int = 0) -> TableauTree:
    html = (FILES / name).read_text(encoding="utf-8")
    return parse_tableau_html(html, TreeSource(TREE_ID, "Main Tableau", 0, table_count), first_table)


def bout(tree: TableauTree, round_index: int, number: int) -> TableauBout:
    return tree.rounds[round_index].bouts[number - 1]


@pytest.fixture(scope="module")
def four() -> TableauTree:
    """Semi-finals, final and winner column; referees and video referees; the lower slot often wins."""
    return parse_fixture("tableau_four_with_referees.html", table_count=2)


@pytest.fixture(scope="module")
def eight() -> TableauTree:
    """A table of 8 in progress (browser copy): a bye, a medical withdrawal, scheduled bouts."""
    return parse_fixture("tableau_eight_byes_withdrawal_scheduled.html", table_count=3)


@pytest.fixture(scope="module")
def team() -> TableauTree:
    return parse_fixture("tableau_team_match_details.html", table_count=2)


# -- rounds and tree


def test_round_labels_are_the_headers_as_shown(four: TableauTree, eight: TableauTree) -> None:
    assert [r.label for r in four.rounds] == ["Semi-Finals", "Finals"]
    assert [r.label for r in eight.rounds] == ["Table of 8", "Semi-Finals", "Finals"]


def test_round_sizes_halve_and_count_bouts(eight: TableauTree) -> None:
    assert [(r.size, len(r.bouts)) for r in eight.rounds] == [(8, 4), (4, 2), (2, 1)]


def test_tree_identity_comes_from_the_trees_listing(four: TableauTree) -> None:
    assert (four.tree_id, four.name, four.tree_number) == (TREE_ID, "Main Tableau", 0)


def test_champion_is_the_winner_column(four: TableauTree) -> None:
    assert four.winner is not None
    assert (four.winner.name, four.winner.seed) == ("PARK SO HEE", 2)


def test_no_champion_until_the_final_is_decided(eight: TableauTree) -> None:
    assert eight.winner is None


# -- fencers


def test_first_column_fencer_reads_seed_and_affiliation(four: TableauTree) -> None:
    fencer = bout(four, 0, 2).fencer_a
    assert fencer is not None
    assert fencer.model_dump() == {
        "name": "DE VRIES Sanne",
        "seed": 3,
        "affiliation": "AMSTEL / Noord / NED",
        "club": "AMSTEL",
        "division": "Noord",
        "country": "NED",
    }


def test_country_only_affiliation(four: TableauTree) -> None:
    fencer = bout(four, 0, 1).fencer_b
    assert fencer is not None
    assert (fencer.affiliation, fencer.club, fencer.country) == ("NGR", None, "NGR")


def test_seed_and_affiliation_are_carried_forward_not_reread(four: TableauTree) -> None:
    # the final's lower slot shows "(2)" and the winner column "(1)": bracket positions, not seeds
    final = bout(four, 1, 1)
    assert final.fencer_b == bout(four, 0, 2).fencer_b
    assert final.fencer_b is not None
    assert (final.fencer_b.seed, final.fencer_b.country) == (2, "KOR")


def test_team_names_are_kept_whole(team: TableauTree) -> None:
    semi = bout(team, 0, 1)
    assert semi.fencer_b is not None
    assert semi.fencer_b.name == "HONG KONG, CHINA"


# -- winners and scores


def test_winner_is_who_occupies_the_next_column(four: TableauTree) -> None:
    assert [b.winner for r in four.rounds for b in r.bouts] == ["A", "B", "B"]


def test_scores_are_reordered_to_the_slots(four: TableauTree) -> None:
    # FTL prints the winner's score first: "15 - 11" won by the lower slot
    assert (bout(four, 0, 1).score_a, bout(four, 0, 1).score_b) == (15, 12)
    assert (bout(four, 0, 2).score_a, bout(four, 0, 2).score_b) == (11, 15)
    assert (bout(four, 1, 1).score_a, bout(four, 1, 1).score_b) == (14, 15)


def test_team_scores_to_45(team: TableauTree) -> None:
    assert [(b.score_a, b.score_b) for r in team.rounds for b in r.bouts] == [(45, 38), (44, 45), (45, 42)]


def test_complete_bouts(four: TableauTree) -> None:
    assert {b.status for r in four.rounds for b in r.bouts} == {"complete"}


# -- time, strip, referees, match details


def test_time_and_strip_as_shown(four: TableauTree) -> None:
    assert [(b.time, b.strip) for r in four.rounds for b in r.bouts] == [
        ("2:00 PM", "Blue"),
        ("2:00 PM", "Yellow"),
        ("3:10 PM", "Podium"),
    ]


def test_referees_with_role_and_country(four: TableauTree) -> None:
    assert bout(four, 0, 1).referees == [
        TableauReferee(role="Ref", name="LAMBERT Pierre", country="FRA"),
        TableauReferee(role="Video", name="NOVAK Jana", country="CZE"),
    ]
    assert bout(four, 0, 2).referees == []


def test_team_final_has_several_referees(team: TableauTree) -> None:
    assert [(r.role, r.name) for r in bout(team, 1, 1).referees] == [
        ("Ref", "ITO Kenji"),
        ("Video", "OKAFOR Chidi"),
        ("Assist", "BRANDT Ole"),
        ("Assist", "MEYER Lea"),
    ]


def test_match_ids_from_match_details_links(team: TableauTree, four: TableauTree) -> None:
    assert [b.match_id for r in team.rounds for b in r.bouts] == [
        "0A1B2C3D4E5F60718293A4B5C6D7E8F9",
        "2A1B2C3D4E5F60718293A4B5C6D7E8F9",
        "1A1B2C3D4E5F60718293A4B5C6D7E8F9",
    ]
    assert {b.match_id for r in four.rounds for b in r.bouts} == {None}


# -- byes, walkovers, scheduled and pending bouts


def test_bye(eight: TableauTree) -> None:
    first = bout(eight, 0, 1)
    assert first.fencer_a is not None
    assert (first.fencer_a.name, first.fencer_b, first.winner, first.status) == (
        "ALVES Beatriz",
        None,
        "A",
        "bye",
    )
    assert (first.score_a, first.score_b) == (None, None)


def test_medical_withdrawal_is_a_walkover_with_its_label_and_referee(eight: TableauTree) -> None:
    withdrawal = bout(eight, 0, 2)
    assert (withdrawal.status, withdrawal.winner, withdrawal.score_a, withdrawal.score_b) == (
        "walkover",
        "B",
        None,
        None,
    )
    assert withdrawal.result_label == "Opponent withdrew (medical)"
    assert withdrawal.referees == [TableauReferee(role="Ref", name="KOVAC Marko", country="CRO")]


def test_scheduled_bout_takes_time_and_strip_from_the_future_winner_slot(eight: TableauTree) -> None:
    scheduled = bout(eight, 0, 4)
    assert (scheduled.status, scheduled.winner, scheduled.time, scheduled.strip) == (
        "scheduled",
        None,
        "11:40 AM",
        "4",
    )


def test_scheduled_bout_between_carried_fencers(eight: TableauTree) -> None:
    semi = bout(eight, 1, 1)
    assert semi.fencer_a is not None
    assert semi.fencer_b is not None
    assert (semi.fencer_a.name, semi.fencer_b.name, semi.status, semi.strip) == (
        "ALVES Beatriz",
        "FISCHER Lotte",
        "scheduled",
        "Blue",
    )


def test_one_fencer_known_with_time_is_pending(eight: TableauTree) -> None:
    semi = bout(eight, 1, 2)
    assert semi.fencer_a is not None
    assert (semi.fencer_a.name, semi.fencer_b, semi.status, semi.time, semi.strip) == (
        "COSTA Helena",
        None,
        "pending",
        "1:00 PM",
        "Red",
    )


def test_final_with_no_one_known_is_pending(eight: TableauTree) -> None:
    final = bout(eight, 2, 1)
    assert (final.fencer_a, final.fencer_b, final.status, final.time) == (None, None, "pending", None)


# -- windows and fragments


def test_bronze_medal_tree() -> None:
    bronze = parse_fixture("tableau_bronze_medal.html", table_count=1)
    assert [(r.label, r.size) for r in bronze.rounds] == [("Bronze Medal", 2)]
    medal_bout = bout(bronze, 0, 1)
    assert (medal_bout.winner, medal_bout.score_a, medal_bout.score_b) == ("B", 40, 45)
    assert bronze.winner is not None
    assert (bronze.winner.name, bronze.winner.seed) == ("HONG KONG, CHINA", 2)


def test_fragment_without_the_winner_column_leaves_the_final_undecided() -> None:
    cut = parse_fixture("tableau_cut_before_winner_column.html")
    final = bout(cut, 1, 1)
    assert (final.status, final.winner, final.score_a, final.score_b) == ("pending", None, None, None)
    assert final.fencer_a is not None
    assert final.fencer_b is not None
    assert (final.fencer_a.name, final.fencer_b.name) == ("MARTINEZ-ROJO Ana Lucía", "PARK SO HEE")
    assert cut.winner is None


def test_window_starting_mid_tree_reads_the_seeds_its_first_column_shows() -> None:
    window = parse_fixture("tableau_four_with_referees.html", table_count=3, first_table=1)
    assert [b.fencer_a.seed for b in window.rounds[0].bouts if b.fencer_a] == [1, 3]


def test_first_column_size_must_fit_the_tree() -> None:
    with pytest.raises(
        TableauParseError, match=r"first column has 4 slots; column 0 of a tree of 3 tables has 8"
    ):
        parse_fixture("tableau_four_with_referees.html", table_count=3)


# -- failures name the tree and the cell


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        (
            "tableau_malformed_winner_not_in_pair.html",
            r"table row 6, column 3 \('winner column'\): winner 'DE VRIES Sanne' is neither side of bout 1",
        ),
        (
            "tableau_malformed_unknown_result.html",
            r"table row 9, column 2 \('Finals'\): score reads 'Excluded \(black card\)'",
        ),
        ("tableau_malformed_score_off_geometry.html", r"table row 5, column 3 .*outside every slot"),
        ("tableau_malformed_row_missing_cell.html", r"table row 10 has 2 cells, expected 3"),
    ],
)
def test_malformed_fragments_name_tree_row_and_column(fixture: str, message: str) -> None:
    with pytest.raises(TableauParseError, match=message) as raised:
        parse_fixture(fixture)
    assert f"tree 'Main Tableau' ({TREE_ID})" in str(raised.value)
    assert raised.value.tree_id == TREE_ID


def test_a_page_without_a_bracket_is_refused() -> None:
    with pytest.raises(TableauParseError, match="expected one bracket table"):
        parse_tableau_html("<html><body><p>Not drawn yet</p></body></html>", TreeSource(TREE_ID, "Main", 0))


def test_login_page_is_not_read_as_a_bracket() -> None:
    login = (FILES / "login_page.html").read_text(encoding="utf-8")
    with pytest.raises(LoginRequiredError):
        parse_tableau_html(login, TreeSource(TREE_ID, "Main", 0))


# -- the trees JSON


def trees_json(*entries: dict[str, object]) -> str:
    return json.dumps(list(entries))


def tree_entry(number: int, name: str, tables: int = 6) -> dict[str, object]:
    return {
        "guid": f"{number:032X}".lower(),
        "name": name,
        "numTables": tables,
        "treeNum": number,
        "firstIncompleteTable": 0,
    }


def test_trees_are_sorted_by_tree_number_not_list_order() -> None:
    trees = parse_tableau_trees(
        trees_json(tree_entry(1, "Bronze Medal", 1), tree_entry(0, "Main Tableau", 4))
    )
    assert [(t.tree_number, t.name, t.table_count) for t in trees] == [
        (0, "Main Tableau", 4),
        (1, "Bronze Medal", 1),
    ]


def test_tree_guid_is_upper_cased() -> None:
    [tree] = parse_tableau_trees(trees_json(tree_entry(10, "Main")))
    assert tree.tree_id == "0000000000000000000000000000000A"


def test_repechage_trees_are_recognised() -> None:
    trees = parse_tableau_trees(trees_json(tree_entry(0, "Main"), tree_entry(1, "T64 Rep 1/2 (C)")))
    assert [t.is_repechage for t in trees] == [False, True]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[]", "no trees"),
        ("{}", "expected an array"),
        ("not json", "not valid JSON"),
        (trees_json({"guid": "12", "name": "Main", "numTables": 3, "treeNum": 0}), "not 32 hex digits"),
        (trees_json({"guid": "A" * 32, "name": "Main", "treeNum": 0}), "numTables"),
        (trees_json(tree_entry(0, "Main"), tree_entry(0, "Other")), "share one treeNum"),
    ],
)
def test_malformed_trees_json(body: str, message: str) -> None:
    with pytest.raises(TableauTreesParseError, match=message):
        parse_tableau_trees(body)


# -- the real FTL capture


@pytest.fixture(scope="module")
def real_window() -> TableauTree:
    return parse_tableau_html(
        real_sample("tableau-window.html").read_text(encoding="utf-8"), TreeSource(TREE_ID, "Main", 0, 3)
    )


def test_real_sample_rounds(real_window: TableauTree) -> None:
    assert [(r.label, r.size) for r in real_window.rounds] == [
        ("Quarterfinals", 8),
        ("Semi-Finals", 4),
        ("Finals", 2),
    ]


def test_real_sample_every_bout_complete_with_time_and_strip(real_window: TableauTree) -> None:
    bouts = [b for r in real_window.rounds for b in r.bouts]
    assert len(bouts) == 7
    assert all(b.status == "complete" and b.time and b.strip and not b.referees for b in bouts)


def test_real_sample_final_is_won_by_the_lower_slot(real_window: TableauTree) -> None:
    final = real_window.rounds[2].bouts[0]
    assert (final.winner, final.score_a, final.score_b, final.time, final.strip) == (
        "B",
        8,
        15,
        "5:15 PM",
        "11",
    )
    assert real_window.winner == final.fencer_b


def test_real_sample_seeds_are_the_first_column(real_window: TableauTree) -> None:
    final = real_window.rounds[2].bouts[0]
    # the winner column shows "(1)" and the final's lower slot "(2)" for the third seed
    assert final.fencer_b is not None
    assert (final.fencer_b.seed, final.fencer_b.country) == (3, "EGY")


def test_referee_country_code_is_dropped_before_or_after_the_name() -> None:
    html = (FILES / "tableau_four_with_referees.html").read_text(encoding="utf-8")
    flag_first = html.replace(
        "Ref LAMBERT Pierre <span class='flag flagFRA'></span>FRA",
        "Ref <span class='flag flagFRA'></span>FRA LAMBERT Pierre",
    )
    tree = parse_tableau_html(flag_first, TreeSource(TREE_ID, "Main", 0, 2))
    assert bout(tree, 0, 1).referees[0] == TableauReferee(role="Ref", name="LAMBERT Pierre", country="FRA")
