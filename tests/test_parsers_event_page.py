"""The event-page parser: header texts, Schedule link and every round link of this event."""

from __future__ import annotations

from pathlib import Path

import pytest

from ftl_scraper.errors import EventPageParseError, LoginRequiredError
from ftl_scraper.parsers import EventPage, parse_event_page
from tests.samples import real_sample

FILES = Path(__file__).parent / "files"
FINISHED_ID = "A1000000000000000000000000000001"
RUNNING_ID = "A1000000000000000000000000000003"
NOT_STARTED_ID = "A1000000000000000000000000000004"


def read(name: str, event_id: str) -> EventPage:
    return parse_event_page((FILES / name).read_text(encoding="utf-8"), event_id)


@pytest.fixture(scope="module")
def finished() -> EventPage:
    return read("event_results_finished_with_scores_tab.html", FINISHED_ID)


@pytest.fixture(scope="module")
def running() -> EventPage:
    return read("event_results_two_pool_rounds_running.html", RUNNING_ID)


@pytest.fixture(scope="module")
def not_started() -> EventPage:
    return read("event_page_not_started.html", NOT_STARTED_ID)


def test_tournament_id_from_the_schedule_tab(finished: EventPage) -> None:
    assert finished.tournament_id == "7E57AB1E000000000000000000000001"


def test_tournament_name_whitespace_normalised(finished: EventPage) -> None:
    assert finished.tournament_name == "Invented Autumn Cup 2026"


def test_event_name_whitespace_normalised(finished: EventPage) -> None:
    assert finished.event_name == "Veteran Women's Épée"


def test_event_time_as_shown(finished: EventPage) -> None:
    assert finished.event_time == "Saturday, October 3, 2026 8:30 AM"


def test_one_pool_round_beside_a_scores_tab(finished: EventPage) -> None:
    assert finished.pool_round_ids == ["B1000000000000000000000000000001"]


def test_tableau_ids(finished: EventPage) -> None:
    assert finished.tableau_ids == ["D1000000000000000000000000000001"]


def test_final_results_heading_marks_them_published(finished: EventPage) -> None:
    assert finished.final_results_published


def test_every_pool_round_in_tab_order_absolute_links_included(running: EventPage) -> None:
    assert running.pool_round_ids == ["B1000000000000000000000000000031", "B1000000000000000000000000000032"]


def test_every_tableau_in_tab_order(running: EventPage) -> None:
    assert running.tableau_ids == ["D1000000000000000000000000000031", "D1000000000000000000000000000032"]


def test_links_to_another_events_rounds_are_ignored(running: EventPage) -> None:
    assert "B1000000000000000000000000000001" not in running.pool_round_ids
    assert "D1000000000000000000000000000001" not in running.tableau_ids


def test_a_running_event_has_no_final_results_yet(running: EventPage) -> None:
    assert not running.final_results_published


def test_an_event_not_started_has_no_rounds(not_started: EventPage) -> None:
    assert (not_started.pool_round_ids, not_started.tableau_ids) == ([], [])


def test_an_event_not_started_still_has_its_header(not_started: EventPage) -> None:
    assert (not_started.event_name, not_started.event_time) == (
        "FLORET WETERANI kobiety 0",
        "Monday, October 5, 2026 10:15 AM",
    )


def test_the_landing_url_of_a_redirect_counts_as_a_link() -> None:
    html = (FILES / "event_page_not_started.html").read_text(encoding="utf-8")
    url = f"https://www.fencingtimelive.com/pools/scores/{NOT_STARTED_ID}/C1000000000000000000000000000001"

    page = parse_event_page(html, NOT_STARTED_ID, url=url)

    assert page.pool_round_ids == ["C1000000000000000000000000000001"]


def test_a_schedule_page_has_no_event_header() -> None:
    page = read("schedule_no_events_yet.html", NOT_STARTED_ID)

    assert (page.pool_round_ids, page.final_results_published) == ([], False)


def test_a_page_without_tab_bar_or_header_is_refused() -> None:
    with pytest.raises(EventPageParseError, match="not an FTL event page"):
        parse_event_page("<html><body><p>Service unavailable</p></body></html>", NOT_STARTED_ID)


def test_the_login_page_asks_for_a_login() -> None:
    with pytest.raises(LoginRequiredError):
        read("login_page.html", NOT_STARTED_ID)


def test_real_event_results_page() -> None:
    html = real_sample("event-results.html").read_text(encoding="utf-8")

    page = parse_event_page(html, "1DAD5541330547AC9204125523A0C1A9")

    assert page.tournament_id == "D050FA69743A43B590473A6442DF7AF7"
    assert page.event_name == "V2 Szpada Mężczyzn"
    assert page.event_time == "Saturday, March 29, 2025 9:00 AM"
    assert page.pool_round_ids == ["BEFC1B852E51421BAC199870928AF198"]
    assert page.tableau_ids == ["9E421190F4864D5894A5F24027185D36"]
    assert page.final_results_published
