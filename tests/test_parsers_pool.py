"""Tests for parse_pool_html: one pool fragment in, a models.Pool out, on every FTL variant."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ftl_scraper.errors import LoginRequiredError, PoolParseError
from ftl_scraper.models import Pool, PoolBout, Referee
from ftl_scraper.parsers import parse_pool_html
from ftl_scraper.parsers.text import AffiliationParts, split_affiliation
from tests.samples import real_sample

FILES = Path(__file__).parent / "files"

COMPLETE_FLAGS_ID = "D41C8E2A7F3B4C9E8A1D6F0B2E5C7A93"
WRAPPED_ID = "0027C9F1B4E84A3D9C6E1F7A2B5D8E04"

# every fixture that FTL could serve as a readable pool
POOL_FIXTURES = [
    "pool_7_complete_flags.html",
    "pool_wrapped_in_div.html",
    "pool_low_score_victories.html",
    "pool_medical_withdrawal.html",
    "pool_failed_to_appear.html",
    "pool_letter_strip.html",
    "pool_club_code_only.html",
    "pool_strip_without_time.html",
    "pool_time_without_strip.html",
    "pool_in_progress.html",
    "pool_not_started.html",
    "pool_two_referees.html",
    "pool_zero_indicator.html",
    "pool_ten_touch_bouts.html",
    "pool_whole_page.html",
]
TOTALLED_FIXTURES = [name for name in POOL_FIXTURES if name != "pool_not_started.html"]


def read_fixture(name: str) -> str:
    return (FILES / name).read_text(encoding="utf-8")


def parse_fixture(name: str, pool_id: str | None = None) -> Pool:
    return parse_pool_html(read_fixture(name), pool_id)


def bout(pool: Pool, position_a: int, position_b: int) -> PoolBout:
    return next(
        candidate
        for candidate in pool.bouts
        if (candidate.position_a, candidate.position_b) == (position_a, position_b)
    )


def totals_from_bouts(pool: Pool) -> dict[int, tuple[int, int, int, int]]:
    """Victories, bouts, touches scored and received per position, over complete bouts only."""
    totals = {fencer.position: [0, 0, 0, 0] for fencer in pool.fencers}
    for each in pool.bouts:
        if each.status != "complete":
            continue
        assert each.score_a is not None
        assert each.score_b is not None
        for position, scored, received, won in (
            (each.position_a, each.score_a, each.score_b, each.winner == "A"),
            (each.position_b, each.score_b, each.score_a, each.winner == "B"),
        ):
            row = totals[position]
            row[0] += won
            row[1] += 1
            row[2] += scored
            row[3] += received
    return {position: (v, m, ts, tr) for position, (v, m, ts, tr) in totals.items()}


def assert_totals_match_bouts(pool: Pool) -> None:
    recomputed = totals_from_bouts(pool)
    for fencer in pool.fencers:
        if fencer.status == "withdrawn":
            continue
        victories, matches, scored, received = recomputed[fencer.position]
        assert fencer.victories == victories, fencer.name
        assert fencer.touches_scored == scored, fencer.name
        assert fencer.touches_received == received, fencer.name
        assert fencer.indicator == scored - received, fencer.name
        assert fencer.victory_ratio == round(victories / matches, 2), fencer.name


def replace_cell(html: str, position: int, cell_index: int, new_cell: str) -> str:
    """Swap the ``cell_index``-th ``<td>`` (0-based) of row ``position`` for ``new_cell``."""
    head, *rows = html.split('<tr class="poolRow">')
    cells = list(re.finditer(r"<td\b[^>]*>.*?</td>", rows[position - 1], re.DOTALL))
    target = cells[cell_index]
    row = rows[position - 1]
    rows[position - 1] = row[: target.start()] + new_cell + row[target.end() :]
    return '<tr class="poolRow">'.join([head, *rows])


def replace_score_cell(html: str, position: int, column: int, new_cell: str) -> str:
    return replace_cell(html, position, column + 1, new_cell)


# --- fixtures parse, and their totals agree with their bouts -------------------------------


@pytest.mark.parametrize("fixture", TOTALLED_FIXTURES)
def test_fixture_totals_equal_totals_recomputed_from_bouts(fixture: str) -> None:
    assert_totals_match_bouts(parse_fixture(fixture))


@pytest.mark.parametrize("fixture", POOL_FIXTURES)
def test_one_bout_per_pair_in_ftl_order(fixture: str) -> None:
    pool = parse_fixture(fixture)
    size = len(pool.fencers)
    expected_pairs = [(a, b) for a in range(1, size + 1) for b in range(a + 1, size + 1)]
    assert [(each.position_a, each.position_b) for each in pool.bouts] == expected_pairs


@pytest.mark.parametrize("fixture", POOL_FIXTURES)
def test_bout_names_are_the_fencers_at_those_positions(fixture: str) -> None:
    pool = parse_fixture(fixture)
    names = {fencer.position: fencer.name for fencer in pool.fencers}
    for each in pool.bouts:
        assert (each.fencer_a, each.fencer_b) == (names[each.position_a], names[each.position_b])


# --- the ordinary complete pool --------------------------------------------------------------


@pytest.fixture(scope="module")
def complete_pool() -> Pool:
    return parse_fixture("pool_7_complete_flags.html")


def test_complete_pool_id_comes_from_details_link(complete_pool: Pool) -> None:
    assert complete_pool.pool_id == COMPLETE_FLAGS_ID


def test_complete_pool_number_strip_and_time(complete_pool: Pool) -> None:
    assert (complete_pool.pool_number, complete_pool.strip, complete_pool.start_time) == (
        1,
        "5",
        "9:00 AM",
    )


def test_complete_pool_names_kept_whole_in_order(complete_pool: Pool) -> None:
    assert [fencer.name for fencer in complete_pool.fencers] == [
        "ARKWRIGHT Delphine",
        "VOLKOVA-REYES Inés",
        "TANAKA MIREI",
        "DE LUCA FERRANTE Giulia",
        "OKONKWO Adaeze",
        "BRANDT Henrike",
        "LÉVESQUE Maëlle (Mimi)",
    ]
    assert [fencer.position for fencer in complete_pool.fencers] == [1, 2, 3, 4, 5, 6, 7]


def test_flag_affiliation_is_country_only(complete_pool: Pool) -> None:
    first = complete_pool.fencers[0]
    assert (first.affiliation, first.club, first.division, first.country) == (
        "FRA",
        None,
        None,
        "FRA",
    )
    assert [fencer.country for fencer in complete_pool.fencers] == [
        "FRA",
        "ESP",
        "JPN",
        "ITA",
        "NGR",
        "GER",
        "CAN",
    ]


def test_complete_pool_totals_of_first_and_last_fencer(complete_pool: Pool) -> None:
    first, last = complete_pool.fencers[0], complete_pool.fencers[-1]
    assert (
        first.victories,
        first.victory_ratio,
        first.touches_scored,
        first.touches_received,
        first.indicator,
    ) == (4, 0.67, 27, 21, 6)
    assert (
        last.victories,
        last.victory_ratio,
        last.touches_scored,
        last.touches_received,
        last.indicator,
    ) == (1, 0.17, 16, 29, -13)


def test_complete_pool_every_fencer_active(complete_pool: Pool) -> None:
    assert {(fencer.status, fencer.status_label) for fencer in complete_pool.fencers} == {("active", None)}


def test_complete_pool_all_21_bouts_complete(complete_pool: Pool) -> None:
    assert len(complete_pool.bouts) == 21
    assert {each.status for each in complete_pool.bouts} == {"complete"}


@pytest.mark.parametrize(
    ("positions", "scores", "winner"),
    [
        ((1, 2), (3, 5), "B"),
        ((1, 3), (5, 3), "A"),
        ((1, 7), (5, 0), "A"),
        ((2, 4), (0, 5), "B"),
        ((6, 7), (4, 5), "B"),
    ],
)
def test_complete_pool_bout_scores_are_each_fencers_own_touches(
    complete_pool: Pool, positions: tuple[int, int], scores: tuple[int, int], winner: str
) -> None:
    found = bout(complete_pool, *positions)
    assert (found.score_a, found.score_b, found.winner) == (*scores, winner)
    assert (found.fencer_a, found.fencer_b) == (
        complete_pool.fencers[positions[0] - 1].name,
        complete_pool.fencers[positions[1] - 1].name,
    )


def test_complete_pool_referee(complete_pool: Pool) -> None:
    assert complete_pool.referees == [Referee(name="HALVORSEN Pieter", affiliation="NED", country="NED")]


# --- pool ID and page shape ----------------------------------------------------------------


def test_wrapped_pool_id_comes_from_wrapper_div() -> None:
    pool = parse_fixture("pool_wrapped_in_div.html")
    assert (pool.pool_id, pool.pool_number, pool.strip, pool.start_time) == (
        WRAPPED_ID,
        2,
        "6",
        "9:00 AM",
    )
    assert len(pool.fencers) == 7
    assert pool.fencers[4].name == "SZABÓ Réka"
    assert pool.fencers[4].victory_ratio == 0.83


def test_wrapper_id_wins_over_details_link() -> None:
    html = read_fixture("pool_7_complete_flags.html")
    pool = parse_pool_html(f'<div id="pool_{WRAPPED_ID}">\n{html}</div>')
    assert pool.pool_id == WRAPPED_ID


def test_pool_id_argument_wins_and_is_upper_cased() -> None:
    pool = parse_fixture("pool_wrapped_in_div.html", pool_id=COMPLETE_FLAGS_ID.lower())
    assert pool.pool_id == COMPLETE_FLAGS_ID


def test_whole_page_with_one_pool() -> None:
    pool = parse_fixture("pool_whole_page.html")
    assert (pool.pool_id, pool.pool_number, pool.strip, pool.start_time) == (
        "BA4E8C2F6D1A4E97B3C5F9A1D7E0B6C2",
        1,
        "10",
        "8:30 AM",
    )
    assert [fencer.name for fencer in pool.fencers][:2] == ["ELLISON Mark", "FERREIRA João"]
    assert pool.referees == [Referee(name="KERR Alison", affiliation="GBR", country="GBR")]


def test_page_with_two_pools_is_refused() -> None:
    html = read_fixture("pool_7_complete_flags.html") + read_fixture("pool_wrapped_in_div.html")
    with pytest.raises(PoolParseError, match="expected one pool, the page holds 2 pool tables"):
        parse_pool_html(html)


def test_no_pool_id_anywhere() -> None:
    with pytest.raises(PoolParseError, match="names no pool ID"):
        parse_fixture("pool_malformed_no_pool_id.html")


def test_malformed_pool_id_argument() -> None:
    with pytest.raises(PoolParseError, match="'POOL-7' is not a 32-character hex FTL pool ID"):
        parse_fixture("pool_7_complete_flags.html", pool_id="POOL-7")


def test_login_page_raises_login_required() -> None:
    with pytest.raises(LoginRequiredError, match="FTL requires login for this page"):
        parse_pool_html(read_fixture("login_page.html"), pool_id=COMPLETE_FLAGS_ID)


# --- strip and start time --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shown", "strip", "start_time"),
    [
        ("On strip 5 at 9:00 AM", "5", "9:00 AM"),
        ("On strip 4", "4", None),
        ("On strip A5 at 1:30 PM", "A5", "1:30 PM"),
        ("On strip Blue 2 at 9:00 AM", "Blue 2", "9:00 AM"),
        ("On strip Finals Piste", "Finals Piste", None),
        ("At 9:00 AM", None, "9:00 AM"),
        ("9:00 AM", None, "9:00 AM"),
        ("ON STRIP 7 AT 9:00  AM", "7", "9:00 AM"),
        ("on strip h1 at 12:05 pm", "h1", "12:05 pm"),
        ("On\n        strip   12\n    at 10:45 AM", "12", "10:45 AM"),
        ("", None, None),
    ],
)
def test_strip_time_variants(shown: str, strip: str | None, start_time: str | None) -> None:
    html = read_fixture("pool_7_complete_flags.html").replace("On strip 5 at 9:00 AM", shown)
    pool = parse_pool_html(html)
    assert (pool.strip, pool.start_time) == (strip, start_time)


@pytest.mark.parametrize(
    ("fixture", "strip", "start_time"),
    [
        ("pool_medical_withdrawal.html", "4", None),
        ("pool_strip_without_time.html", "12", None),
        ("pool_letter_strip.html", "A5", "1:30 PM"),
        ("pool_time_without_strip.html", None, "9:00 AM"),
        ("pool_club_code_only.html", None, None),
        ("pool_low_score_victories.html", "9", "10:45 AM"),
    ],
)
def test_strip_time_fixtures(fixture: str, strip: str | None, start_time: str | None) -> None:
    pool = parse_fixture(fixture)
    assert (pool.strip, pool.start_time) == (strip, start_time)


def test_unreadable_strip_text_names_pool() -> None:
    html = read_fixture("pool_7_complete_flags.html").replace("On strip 5 at 9:00 AM", "Piste 5")
    with pytest.raises(PoolParseError, match=f"pool {COMPLETE_FLAGS_ID}: strip/time reads 'Piste 5'"):
        parse_pool_html(html)


# --- scores ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("positions", "scores", "winner"),
    [
        ((1, 2), (4, 3), "A"),
        ((1, 3), (1, 4), "B"),
        ((2, 4), (3, 2), "A"),
        ((3, 5), (0, 3), "B"),
        ((4, 6), (2, 1), "A"),
        ((5, 7), (4, 3), "A"),
    ],
)
def test_low_score_victories(positions: tuple[int, int], scores: tuple[int, int], winner: str) -> None:
    found = bout(parse_fixture("pool_low_score_victories.html"), *positions)
    assert (found.score_a, found.score_b, found.winner, found.status) == (*scores, winner, "complete")


@pytest.mark.parametrize(
    ("positions", "scores", "winner"),
    [((1, 2), (10, 7), "A"), ((3, 4), (9, 10), "B"), ((2, 5), (10, 9), "A"), ((1, 4), (1, 10), "B")],
)
def test_ten_touch_bouts(positions: tuple[int, int], scores: tuple[int, int], winner: str) -> None:
    found = bout(parse_fixture("pool_ten_touch_bouts.html"), *positions)
    assert (found.score_a, found.score_b, found.winner) == (*scores, winner)


def test_ten_touch_totals() -> None:
    second = parse_fixture("pool_ten_touch_bouts.html").fencers[1]
    assert (second.victories, second.touches_scored, second.touches_received, second.indicator) == (
        3,
        37,
        29,
        8,
    )


def test_zero_indicator_is_read_as_zero() -> None:
    assert 'poolResult">+0<' not in read_fixture("pool_zero_indicator.html")
    fencer = parse_fixture("pool_zero_indicator.html").fencers[4]
    assert (fencer.name, fencer.touches_scored, fencer.touches_received, fencer.indicator) == (
        "TAKEDA Ren",
        15,
        15,
        0,
    )


def test_score_without_touches_is_a_result_with_unknown_score() -> None:
    html = read_fixture("pool_7_complete_flags.html")
    html = replace_score_cell(html, 1, 2, '<td class="poolScore poolScoreD"><span>D</span></td>')
    html = replace_score_cell(html, 2, 1, '<td class="poolScore poolScoreV"><span>V</span></td>')
    found = bout(parse_pool_html(html), 1, 2)
    assert (found.score_a, found.score_b, found.winner, found.status) == (None, None, "B", "complete")


def test_score_text_decides_not_class() -> None:
    html = read_fixture("pool_7_complete_flags.html")
    # a V/D class with no text is unfenced; text with spaces and lower case still reads
    html = replace_score_cell(html, 1, 2, '<td class="poolScore poolScoreD"> <span> </span> </td>')
    html = replace_score_cell(html, 1, 3, '<td class="poolScore"><span> v 5 </span></td>')
    pool = parse_pool_html(html)
    assert (bout(pool, 1, 2).status, bout(pool, 1, 2).score_a, bout(pool, 1, 2).score_b) == (
        "pending",
        None,
        5,
    )
    assert (bout(pool, 1, 3).score_a, bout(pool, 1, 3).winner) == (5, "A")


def test_unknown_score_text_names_pool_row_column_and_text() -> None:
    with pytest.raises(PoolParseError) as caught:
        parse_fixture("pool_malformed_bad_score_text.html")
    assert caught.value.message == (
        "pool CE5A9D3F7B1E4C86A2D0F8B4E6C1A7D3: row 2, column 4: "
        "score cell reads 'X', expected V or D and touches"
    )
    assert caught.value.pool_id == "CE5A9D3F7B1E4C86A2D0F8B4E6C1A7D3"


def test_two_winners_names_pool_and_positions() -> None:
    with pytest.raises(
        PoolParseError,
        match="pool 9A7E3C1F5D8B4A26E0C4A8F2D6B9E1C5: bout 1-3: both cells read V",
    ):
        parse_fixture("pool_malformed_two_winners.html")


def test_two_losers_refused() -> None:
    html = read_fixture("pool_7_complete_flags.html")
    html = replace_score_cell(html, 1, 3, '<td class="poolScore poolScoreD"><span>D2</span></td>')
    with pytest.raises(PoolParseError, match="bout 1-3: both cells read D"):
        parse_pool_html(html)


# --- withdrawals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "position", "label", "annulled"),
    [
        ("pool_medical_withdrawal.html", 5, "Medical Withdrawal", 6),
        ("pool_failed_to_appear.html", 2, "Failed to Appear", 5),
    ],
)
def test_withdrawn_fencer(fixture: str, position: int, label: str, annulled: int) -> None:
    pool = parse_fixture(fixture)
    fencer = pool.fencers[position - 1]
    assert (fencer.status, fencer.status_label) == ("withdrawn", label)
    assert (
        fencer.victories,
        fencer.victory_ratio,
        fencer.touches_scored,
        fencer.touches_received,
        fencer.indicator,
    ) == (None, None, None, None, None)
    their_bouts = [each for each in pool.bouts if position in (each.position_a, each.position_b)]
    assert len(their_bouts) == annulled
    assert {(each.status, each.score_a, each.score_b, each.winner) for each in their_bouts} == {
        ("annulled", None, None, None)
    }
    assert sum(each.status == "annulled" for each in pool.bouts) == annulled


def test_medical_withdrawal_ratios_count_five_bouts() -> None:
    pool = parse_fixture("pool_medical_withdrawal.html")
    active = [fencer for fencer in pool.fencers if fencer.status == "active"]
    assert [(fencer.victories, fencer.victory_ratio) for fencer in active] == [
        (4, 0.8),
        (2, 0.4),
        (3, 0.6),
        (4, 0.8),
        (2, 0.4),
        (0, 0.0),
    ]
    assert active[0].touches_scored == 23
    assert active[0].touches_received == 7


def test_failed_to_appear_six_pool_ratios_count_four_bouts() -> None:
    pool = parse_fixture("pool_failed_to_appear.html")
    assert len(pool.fencers) == 6
    assert [fencer.victory_ratio for fencer in pool.fencers] == [0.5, None, 0.25, 0.25, 0.75, 0.75]
    assert pool.fencers[0].indicator == 0


@pytest.mark.parametrize(("label", "expected"), [("Excluded", "Excluded"), ("  ", None)])
def test_any_withdrawal_label_is_kept(label: str, expected: str | None) -> None:
    html = read_fixture("pool_medical_withdrawal.html").replace("Medical Withdrawal", label)
    fencer = parse_pool_html(html).fencers[4]
    assert (fencer.status, fencer.status_label) == ("withdrawn", expected)


# --- unfinished pools -----------------------------------------------------------------------


def test_in_progress_bout_statuses() -> None:
    pool = parse_fixture("pool_in_progress.html")
    assert [(each.position_a, each.position_b, each.status) for each in pool.bouts] == [
        (1, 2, "complete"),
        (1, 3, "complete"),
        (1, 4, "pending"),
        (1, 5, "complete"),
        (2, 3, "pending"),
        (2, 4, "complete"),
        (2, 5, "pending"),
        (3, 4, "pending"),
        (3, 5, "complete"),
        (4, 5, "complete"),
    ]


def test_in_progress_one_sided_bout_keeps_the_known_score() -> None:
    found = bout(parse_fixture("pool_in_progress.html"), 2, 3)
    assert (found.score_a, found.score_b, found.winner, found.status) == (5, None, None, "pending")


def test_in_progress_unfenced_bout_has_no_scores() -> None:
    found = bout(parse_fixture("pool_in_progress.html"), 1, 4)
    assert (found.score_a, found.score_b, found.winner) == (None, None, None)


def test_in_progress_partial_totals() -> None:
    pool = parse_fixture("pool_in_progress.html")
    assert [(fencer.victories, fencer.victory_ratio) for fencer in pool.fencers] == [
        (2, 0.67),
        (1, 0.5),
        (2, 1.0),
        (0, 0.0),
        (1, 0.33),
    ]


def test_not_started_pool() -> None:
    pool = parse_fixture("pool_not_started.html")
    assert (pool.pool_number, pool.strip, pool.start_time) == (4, "8", "3:30 PM")
    assert {(each.status, each.score_a, each.score_b, each.winner) for each in pool.bouts} == {
        ("pending", None, None, None)
    }
    assert len(pool.bouts) == 10
    for fencer in pool.fencers:
        assert fencer.status == "active"
        assert (
            fencer.victories,
            fencer.victory_ratio,
            fencer.touches_scored,
            fencer.touches_received,
            fencer.indicator,
        ) == (None, None, None, None, None)


# --- affiliations and referees ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("position", "affiliation", "club", "division", "country"),
    [
        (1, "BAYOUFC / Gulf Coast / USA", "BAYOUFC", "Gulf Coast", "USA"),
        (2, "DESERTSA / USA", "DESERTSA", None, "USA"),
        (3, "NORTHSTAR / Minnesota", "NORTHSTAR", "Minnesota", None),
        (4, "TRINITYFA / LONESTARFC / North Texas / USA", "TRINITYFA", "LONESTARFC / North Texas", "USA"),
        (5, None, None, None, None),
        (6, "PINEFC", "PINEFC", None, None),
    ],
)
def test_us_affiliations(
    position: int,
    affiliation: str | None,
    club: str | None,
    division: str | None,
    country: str | None,
) -> None:
    fencer = parse_fixture("pool_letter_strip.html").fencers[position - 1]
    assert (fencer.affiliation, fencer.club, fencer.division, fencer.country) == (
        affiliation,
        club,
        division,
        country,
    )


def test_club_codes_are_clubs_never_countries() -> None:
    pool = parse_fixture("pool_club_code_only.html")
    assert [(fencer.club, fencer.country) for fencer in pool.fencers] == [
        ("HARBRSA", None),
        ("RIVRFC", None),
        ("NTHUNI", None),
        ("BSC", None),
        ("HARBRSA", None),
    ]
    assert pool.referees == [Referee(name="FERGUSON Hamish", affiliation="RIVRFC", country=None)]


def test_club_and_flag_affiliation() -> None:
    fencer = parse_fixture("pool_two_referees.html").fencers[0]
    assert (fencer.affiliation, fencer.club, fencer.division, fencer.country) == (
        "KUTAISI / GEO",
        "KUTAISI",
        None,
        "GEO",
    )


def test_two_referees_each_with_own_affiliation() -> None:
    assert parse_fixture("pool_two_referees.html").referees == [
        Referee(name="MEUNIER Sylvain", affiliation="FRA", country="FRA"),
        Referee(name="BERIDZE Levan", affiliation="KUTAISI / GEO", country="GEO"),
    ]


def test_referee_without_affiliation() -> None:
    assert parse_fixture("pool_strip_without_time.html").referees == [
        Referee(name="WALSH Declan", affiliation=None, country=None)
    ]


def test_referee_without_affiliation_before_one_with() -> None:
    html = read_fixture("pool_two_referees.html").replace(
        '<span class="poolRefName">MEUNIER Sylvain</span><br><span class="poolAffil">'
        '<span class="flag flagFRA"></span> FRA</span><br>',
        '<span class="poolRefName">MEUNIER Sylvain</span><br>',
    )
    assert [(ref.name, ref.affiliation) for ref in parse_pool_html(html).referees] == [
        ("MEUNIER Sylvain", None),
        ("BERIDZE Levan", "KUTAISI / GEO"),
    ]


def test_pool_without_referees_block() -> None:
    assert parse_fixture("pool_time_without_strip.html").referees == []


@pytest.mark.parametrize(
    ("text", "flag_country", "expected"),
    [
        ("FRA", "FRA", AffiliationParts(None, None, "FRA")),
        ("KESTRELAU", None, AffiliationParts("KESTRELAU", None, None)),
        ("USA", None, AffiliationParts("USA", None, None)),
        ("ARAGVI / GEO", "GEO", AffiliationParts("ARAGVI", None, "GEO")),
        ("ARAGVI / GEO", None, AffiliationParts("ARAGVI", None, "GEO")),
        ("BAYOUFC / Gulf Coast / USA", None, AffiliationParts("BAYOUFC", "Gulf Coast", "USA")),
        ("CLUB / Gulf Coast", None, AffiliationParts("CLUB", "Gulf Coast", None)),
        ("CLUB / Usa", None, AffiliationParts("CLUB", "Usa", None)),
        ("A / B / C / USA", None, AffiliationParts("A", "B / C", "USA")),
        ("Georgia", "GEO", AffiliationParts("Georgia", None, "GEO")),
        (" / CLUB / ", None, AffiliationParts("CLUB", None, None)),
        ("", None, AffiliationParts(None, None, None)),
    ],
)
def test_split_affiliation(text: str, flag_country: str | None, expected: AffiliationParts) -> None:
    assert split_affiliation(text, flag_country) == expected


# --- structural errors name the pool and what was wrong ---------------------------------------


def test_missing_score_cell() -> None:
    with pytest.raises(PoolParseError) as caught:
        parse_fixture("pool_malformed_missing_cells.html")
    assert caught.value.message == (
        "pool DD3A7F1C5E9B4D2AA6C0E8F4B2D7A1C9: row 3 has 6 score cells, expected 7"
    )


def test_zero_rows() -> None:
    with pytest.raises(
        PoolParseError,
        match="pool AB2C6E0F4A8D4B13C7E1F5A9D3B8C2E6: the pool table has no fencer rows",
    ):
        parse_fixture("pool_malformed_no_rows.html")


def test_header_and_rows_disagree() -> None:
    html = read_fixture("pool_7_complete_flags.html")
    last_row_start = html.rindex('<tr class="poolRow">')
    html = html[:last_row_start] + html[html.index("</tr>", last_row_start) + len("</tr>") :]
    with pytest.raises(
        PoolParseError, match=f"pool {COMPLETE_FLAGS_ID}: header has 7 positions but the table has 6"
    ):
        parse_pool_html(html)


def test_position_cell_out_of_order() -> None:
    html = read_fixture("pool_7_complete_flags.html").replace(
        '<td class="poolPos">3</td>', '<td class="poolPos">4</td>'
    )
    with pytest.raises(PoolParseError, match=r"row 3: td.poolPos reads '4', expected 3"):
        parse_pool_html(html)


def test_filler_cell_off_the_diagonal() -> None:
    html = replace_score_cell(
        read_fixture("pool_7_complete_flags.html"), 2, 5, '<td class="poolScoreFill"></td>'
    )
    with pytest.raises(PoolParseError, match="row 2, column 5: diagonal filler cell"):
        parse_pool_html(html)


def test_missing_result_cell() -> None:
    html = read_fixture("pool_7_complete_flags.html").replace('<td class="poolResult">+6</td>', "", 1)
    with pytest.raises(PoolParseError, match=f"pool {COMPLETE_FLAGS_ID}: row 1: expected five td.poolResult"):
        parse_pool_html(html)


def test_unreadable_result_value() -> None:
    html = read_fixture("pool_7_complete_flags.html").replace(
        '<td class="poolResult">27</td>', '<td class="poolResult">27a</td>', 1
    )
    with pytest.raises(PoolParseError, match="row 1: result column TS reads '27a'"):
        parse_pool_html(html)


def test_value_the_model_refuses_becomes_pool_parse_error() -> None:
    html = read_fixture("pool_7_complete_flags.html").replace(
        '<td class="poolResult">0.67</td>', '<td class="poolResult">1.67</td>', 1
    )
    with pytest.raises(PoolParseError, match=f"pool {COMPLETE_FLAGS_ID}: unexpected pool content"):
        parse_pool_html(html)


def test_missing_pool_number() -> None:
    html = read_fixture("pool_7_complete_flags.html").replace('class="poolNum"', 'class="title"')
    with pytest.raises(PoolParseError, match=r"expected one pool number \(h4.poolNum\), found 0"):
        parse_pool_html(html)


def test_missing_header_row() -> None:
    html = read_fixture("pool_7_complete_flags.html").replace('class="poolHeader"', "")
    with pytest.raises(PoolParseError, match="no header row"):
        parse_pool_html(html)


def test_missing_fencer_name() -> None:
    html = read_fixture("pool_7_complete_flags.html").replace(
        '<span class="poolCompName">TANAKA MIREI</span>', ""
    )
    with pytest.raises(PoolParseError, match=r"row 3: expected one non-empty span\.poolCompName"):
        parse_pool_html(html)


@pytest.mark.parametrize("html", ["", "<html><body>Service unavailable</body></html>", "{}"])
def test_not_a_pool_fragment(html: str) -> None:
    with pytest.raises(PoolParseError, match=f"pool {COMPLETE_FLAGS_ID}: no pool table"):
        parse_pool_html(html, pool_id=COMPLETE_FLAGS_ID)


# --- the real FTL sample (third-party, kept outside the project) -------------------------------


@pytest.fixture(scope="module")
def real_pool() -> Pool:
    return parse_pool_html(real_sample("pool-fragment.html").read_text(encoding="utf-8"))


def test_real_sample_header(real_pool: Pool) -> None:
    assert (real_pool.pool_number, real_pool.strip, real_pool.start_time) == (3, "7", "9:00 AM")
    assert real_pool.pool_id == "B91C964DA13B4721AEA4E7D30E913ACE"


def test_real_sample_fencers_and_bouts(real_pool: Pool) -> None:
    assert len(real_pool.fencers) == 7
    assert len(real_pool.bouts) == 21
    assert {each.status for each in real_pool.bouts} == {"complete"}
    assert_totals_match_bouts(real_pool)


def test_real_sample_exact_values(real_pool: Pool) -> None:
    first = real_pool.fencers[0]
    assert (first.name, first.country, first.club) == ("SHATUNOVA Zlata", "RUS", None)
    found = bout(real_pool, 1, 2)
    assert (found.score_a, found.score_b, found.winner) == (1, 5, "B")
    assert (real_pool.fencers[1].victories, real_pool.fencers[1].indicator) == (5, 15)


def test_real_sample_referee(real_pool: Pool) -> None:
    assert len(real_pool.referees) == 1
    assert real_pool.referees[0].country == "FRA"
    assert real_pool.referees[0].affiliation == "FRA"
