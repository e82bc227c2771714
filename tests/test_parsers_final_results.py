"""The final-results parser: FTL's rows in order, places with ties, optional keys as null."""

from __future__ import annotations

from pathlib import Path

import pytest

from ftl_scraper.errors import FinalResultsParseError, LoginRequiredError
from ftl_scraper.models import FinalResult
from ftl_scraper.parsers import parse_final_results
from tests.samples import real_sample

FILES = Path(__file__).parent / "files"


def read(name: str) -> list[FinalResult]:
    return parse_final_results((FILES / name).read_bytes(), "A1000000000000000000000000000001")


@pytest.fixture(scope="module")
def podium() -> list[FinalResult]:
    return read("final_results_ties_clubs_divisions.json")


@pytest.fixture(scope="module")
def unplaced() -> list[FinalResult]:
    return read("final_results_unplaced_rows.json")


def test_rows_in_ftls_order(podium: list[FinalResult]) -> None:
    assert [row.fencer_id[-2:] for row in podium] == ["01", "02", "03", "04", "05", "06"]


def test_places_as_numbers(podium: list[FinalResult]) -> None:
    assert [row.place for row in podium] == [1, 2, 3, 3, 5, 52]


def test_place_labels_as_sent(podium: list[FinalResult]) -> None:
    assert [row.place_label for row in podium] == ["1", "2", "3T", "3T", "5", "52T"]


def test_a_trailing_t_is_a_tie(podium: list[FinalResult]) -> None:
    assert [row.tie for row in podium] == [False, False, True, True, False, True]


def test_excluded_kept_as_sent(podium: list[FinalResult]) -> None:
    assert [row.excluded for row in podium] == [False] * 5 + [True]


def test_clubs_from_club1_and_club2(podium: list[FinalResult]) -> None:
    assert [(row.club_primary, row.club_secondary) for row in podium[:3]] == [
        ("Northgate FC", None),
        ("Riverside", "Elm AC"),
        (None, None),
    ]


def test_division_null_where_ftl_sends_no_key(podium: list[FinalResult]) -> None:
    assert [row.division for row in podium] == ["Capitol", "Gulf Coast", None, None, None, None]


def test_names_and_countries_as_sent(podium: list[FinalResult]) -> None:
    assert (podium[2].name, podium[2].country) == ("SZÉP Villő", "HUN")


def test_unknown_keys_are_ignored(podium: list[FinalResult]) -> None:
    assert podium[4].name == "DUMONT 2 Claire"


def test_null_empty_and_word_places_have_no_number(unplaced: list[FinalResult]) -> None:
    assert [(row.place, row.place_label, row.tie) for row in unplaced] == [
        (1, "1", False),
        (None, None, False),
        (None, "", False),
        (None, "DNS", False),
    ]


def test_a_missing_excluded_key_is_null(unplaced: list[FinalResult]) -> None:
    assert unplaced[3].excluded is None


def test_no_rows_yet_is_an_empty_list() -> None:
    assert read("final_results_not_published.json") == []


def test_a_row_without_name_is_an_error_naming_the_row() -> None:
    with pytest.raises(FinalResultsParseError, match=r"row 1: missing required field 'name'"):
        read("final_results_row_without_name.json")


def test_a_row_without_id_is_an_error_naming_the_row() -> None:
    with pytest.raises(FinalResultsParseError, match=r"row 0: missing required field 'id'"):
        read("final_results_row_without_id.json")


def test_an_object_instead_of_an_array_is_an_error() -> None:
    with pytest.raises(FinalResultsParseError, match="expected an array"):
        parse_final_results(b'{"rows": []}')


def test_the_login_page_asks_for_a_login() -> None:
    with pytest.raises(LoginRequiredError):
        parse_final_results((FILES / "login_page.html").read_bytes())


def test_real_final_results() -> None:
    rows = parse_final_results(real_sample("event-results-data.json").read_bytes())

    assert len(rows) == 53
    assert [(row.place_label, row.place, row.tie) for row in rows[:4]] == [
        ("1", 1, False),
        ("2", 2, False),
        ("3T", 3, True),
        ("3T", 3, True),
    ]
    assert rows[3].club_primary == "Haverstock"
    assert rows[0].club_primary is None
    assert all(row.division is None and row.excluded is False for row in rows)
    assert all(len(row.fencer_id) == 32 for row in rows)
