"""Tests for parse_pool_results: the pool-round ranking JSON in, a models.PoolResults out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ftl_scraper.errors import InvalidArgumentError, LoginRequiredError, ResultsParseError
from ftl_scraper.models import PoolResults
from ftl_scraper.parsers import parse_pool_results
from ftl_scraper.parsers.pool_results import status_from_prediction

FILES = Path(__file__).parent / "files"
EVENT_ID = "9C4E2A7B1D0F4E6A8B3C5D7E9F1A2B4C"
POOL_ROUND_ID = "4F8A0C2E6B1D4A3C9E7F5B0D2A4C6E8F"
FIRST_ID = "D29B8652DB47179A9A9E7F65ABC703CC"


def read_bytes(name: str) -> bytes:
    return (FILES / name).read_bytes()


def parse(data: str | bytes | list[Any]) -> PoolResults:
    return parse_pool_results(data, EVENT_ID, POOL_ROUND_ID)


def entry(**overrides: Any) -> dict[str, Any]:
    """One well-formed FTL results object, with fields replaced or (value ...) removed."""
    base: dict[str, Any] = {
        "id": FIRST_ID,
        "v": 4,
        "m": 6,
        "vm": 0.667,
        "ts": 26,
        "tr": 21,
        "ind": 5,
        "prediction": "Advanced",
        "name": "TANAKA MIREI",
        "country": "JPN",
        "place": 4,
        "tie": False,
    }
    base.update(overrides)
    return {key: value for key, value in base.items() if value is not ...}


@pytest.fixture(scope="module")
def results() -> PoolResults:
    return parse(read_bytes("pool_results.json"))


# --- the realistic round --------------------------------------------------------------------


def test_round_ids_and_size(results: PoolResults) -> None:
    assert (results.event_id, results.pool_round_id) == (EVENT_ID, POOL_ROUND_ID)
    assert len(results.fencers) == 14


def test_order_is_ftls(results: PoolResults) -> None:
    raw_ids = [item["id"] for item in json.loads(read_bytes("pool_results.json"))]
    assert [fencer.fencer_id for fencer in results.fencers] == raw_ids
    assert [fencer.place for fencer in results.fencers] == [1, 2, 3, 4, 5, 6, 6, 8, 9, 10, 11, 12, 13, 14]


def test_first_fencer_every_field(results: PoolResults) -> None:
    assert results.fencers[0].model_dump() == {
        "fencer_id": FIRST_ID,
        "name": "SZABÓ Réka",
        "club_primary": "VARKERT SE",
        "club_secondary": None,
        "division": None,
        "country": "HUN",
        "place": 1,
        "tie": False,
        "victories": 6,
        "matches": 6,
        "victory_ratio": 1.0,
        "touches_scored": 30,
        "touches_received": 17,
        "indicator": 13,
        "prediction_raw": "Advanced",
        "status": "advanced",
    }


def test_ratios_as_ftl_sends_them(results: PoolResults) -> None:
    assert [fencer.victory_ratio for fencer in results.fencers][:5] == [1.0, 0.833, 0.833, 0.667, 0.5]


def test_tie_shares_the_place(results: PoolResults) -> None:
    tied = [(fencer.name, fencer.place) for fencer in results.fencers if fencer.tie]
    assert tied == [("MÄKINEN Aino-Kaisa", 6), ("PARK JI WOO", 6)]


def test_zero_indicator(results: PoolResults) -> None:
    assert [fencer.indicator for fencer in results.fencers if fencer.tie] == [0, 0]


def test_statuses(results: PoolResults) -> None:
    assert [fencer.status for fencer in results.fencers] == ["advanced"] * 10 + [
        "eliminated",
        "eliminated",
        "unknown",
        "eliminated",
    ]


def test_empty_prediction_is_kept_raw(results: PoolResults) -> None:
    fencer = results.fencers[12]
    assert (fencer.name, fencer.prediction_raw, fencer.status) == ("O'SULLIVAN Róisín", "", "unknown")


@pytest.mark.parametrize(
    ("index", "club_primary", "club_secondary", "division"),
    [
        (1, "KFK", None, None),  # club2 "" and div absent
        (3, None, None, None),  # all null
        (4, "LAGOS BLADES", "UNILAG", None),
        (5, "HELSINGIN MIEKKA", None, None),  # div ""
        (9, "SYDNEY SABRE", None, "NSW"),
    ],
)
def test_optional_texts(
    results: PoolResults,
    index: int,
    club_primary: str | None,
    club_secondary: str | None,
    division: str | None,
) -> None:
    fencer = results.fencers[index]
    assert (fencer.club_primary, fencer.club_secondary, fencer.division) == (
        club_primary,
        club_secondary,
        division,
    )


def test_fixture_is_internally_consistent(results: PoolResults) -> None:
    assert sum(fencer.victories for fencer in results.fencers) == 42  # two 7-pools: 2 x 21 bouts
    assert sum(fencer.touches_scored for fencer in results.fencers) == sum(
        fencer.touches_received for fencer in results.fencers
    )
    for fencer in results.fencers:
        assert fencer.indicator == fencer.touches_scored - fencer.touches_received
        assert fencer.victory_ratio == round(fencer.victories / fencer.matches, 3)


# --- input forms ----------------------------------------------------------------------------


def test_text_bytes_and_decoded_list_agree(results: PoolResults) -> None:
    raw = read_bytes("pool_results.json")
    assert parse(raw.decode("utf-8")) == results
    assert parse(json.loads(raw)) == results
    assert parse("\ufeff" + raw.decode("utf-8")) == results


def test_empty_array_is_a_valid_empty_ranking() -> None:
    assert parse(read_bytes("pool_results_empty.json")).fencers == []


def test_string_places_with_t_for_ties() -> None:
    fencers = parse(read_bytes("pool_results_string_places.json")).fencers
    assert [(fencer.place, fencer.tie) for fencer in fencers] == [
        (1, False),
        (2, False),
        (3, False),
        (4, False),
        (5, False),
        (6, True),
    ]


def test_ids_are_upper_cased() -> None:
    results = parse_pool_results([entry(id=FIRST_ID.lower())], EVENT_ID.lower(), POOL_ROUND_ID.lower())
    assert (results.event_id, results.pool_round_id, results.fencers[0].fencer_id) == (
        EVENT_ID,
        POOL_ROUND_ID,
        FIRST_ID,
    )


@pytest.mark.parametrize(("v", "m", "expected"), [(4, 6, 0.667), (5, 6, 0.833), (6, 6, 1.0), (0, 0, 0.0)])
def test_missing_ratio_is_computed(v: int, m: int, expected: float) -> None:
    fencer = parse([entry(v=v, m=m, vm=...)]).fencers[0]
    assert fencer.victory_ratio == expected


def test_missing_tie_and_prediction_defaults() -> None:
    fencer = parse([entry(tie=..., prediction=...)]).fencers[0]
    assert (fencer.tie, fencer.prediction_raw, fencer.status) == (False, None, "unknown")


@pytest.mark.parametrize(
    ("prediction", "status"),
    [
        ("Advanced", "advanced"),
        (" ADVANCED ", "advanced"),
        ("advanced", "advanced"),
        ("Eliminated", "eliminated"),
        ("Cut", "eliminated"),
        ("cut", "eliminated"),
        ("", "unknown"),
        (None, "unknown"),
        ("Qualified", "unknown"),
    ],
)
def test_status_from_prediction(prediction: str | None, status: str) -> None:
    assert status_from_prediction(prediction) == status


# --- errors ---------------------------------------------------------------------------------


def test_missing_field_names_endpoint_entry_fencer_and_field() -> None:
    with pytest.raises(ResultsParseError) as caught:
        parse(read_bytes("pool_results_missing_field.json"))
    assert caught.value.message == (
        "pool results JSON: entry 2 (id 'C2B9546E0F0220F3EDB7F1D5CBF15150', "
        "name 'QUINTERO Sofía'): missing required field 'ts'"
    )
    assert (caught.value.event_id, caught.value.pool_round_id) == (EVENT_ID, POOL_ROUND_ID)


@pytest.mark.parametrize("field", ["id", "name", "place", "v", "m", "ts", "tr", "ind"])
def test_each_required_field(field: str) -> None:
    with pytest.raises(ResultsParseError, match=f"entry 0.*missing required field '{field}'"):
        parse([entry(**{field: ...})])


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"v": "four"}, "v"),
        ({"ts": 26.5}, "ts"),
        ({"tr": "26.5"}, "tr"),
        ({"ind": True}, "ind"),
        ({"m": -1}, "m"),
        ({"place": "fourth"}, "place"),
        ({"place": 0}, "place"),
        ({"vm": "two thirds"}, "vm"),
        ({"vm": 1.5}, "vm"),
        ({"tie": "yes"}, "tie"),
        ({"id": "not-an-id"}, "id"),
        ({"name": 17}, "name"),
        ({"club1": 12}, "club1"),
        ({"prediction": ["Advanced"]}, "prediction"),
    ],
)
def test_mistyped_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ResultsParseError, match=f"pool results JSON: entry 0 .*field '{field}'"):
        parse([entry(**overrides)])


@pytest.mark.parametrize(
    ("overrides", "field", "expected"),
    [
        ({"v": "4"}, "victories", 4),
        ({"ind": "+5"}, "indicator", 5),
        ({"ind": "-3"}, "indicator", -3),
        ({"ts": 26.0}, "touches_scored", 26),
        ({"vm": "0.667"}, "victory_ratio", 0.667),
    ],
)
def test_whole_numbers_written_as_text_are_read(
    overrides: dict[str, Any], field: str, expected: object
) -> None:
    [result] = parse([entry(**overrides)]).fencers

    assert getattr(result, field) == expected


def test_error_names_later_entry_index() -> None:
    with pytest.raises(ResultsParseError, match=r"entry 1 \(id '.*', name 'TANAKA MIREI'\)"):
        parse([entry(), entry(v="x")])


def test_entry_not_an_object() -> None:
    with pytest.raises(ResultsParseError, match="entry 1: expected an object, got an array"):
        parse([entry(), ["x"]])


@pytest.mark.parametrize(
    ("data", "found"),
    [('{"fencers": []}', "an object"), ("null", "null"), ('"Advanced"', "a string")],
)
def test_top_level_must_be_an_array(data: str, found: str) -> None:
    with pytest.raises(ResultsParseError, match=f"expected an array at the top level, got {found}"):
        parse(data)


@pytest.mark.parametrize("data", ['[{"id": ', b"\xff\xfe[", ""])
def test_invalid_json(data: str | bytes) -> None:
    with pytest.raises(ResultsParseError, match="pool results JSON: not valid JSON") as caught:
        parse(data)
    assert caught.value.event_id == EVENT_ID


def test_login_page_instead_of_json() -> None:
    with pytest.raises(LoginRequiredError, match="FTL requires login") as caught:
        parse(read_bytes("login_page.html"))
    assert caught.value.pool_round_id == POOL_ROUND_ID


def test_bad_round_argument() -> None:
    with pytest.raises(InvalidArgumentError, match="pool_round_id"):
        parse_pool_results([], EVENT_ID, "round-1")
