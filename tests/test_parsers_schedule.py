"""The schedule parser: events in page order with day, time, name and status as shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from ftl_scraper.errors import LoginRequiredError, ScheduleParseError
from ftl_scraper.parsers import Schedule, parse_schedule
from tests.samples import real_sample

FILES = Path(__file__).parent / "files"


@pytest.fixture(scope="module")
def schedule() -> Schedule:
    return parse_schedule((FILES / "schedule_three_days_mixed_statuses.html").read_text(encoding="utf-8"))


def test_event_ids_in_page_order_upper_cased(schedule: Schedule) -> None:
    assert [event.event_id for event in schedule.events] == [
        "A1000000000000000000000000000001",
        "A1000000000000000000000000000002",
        "A1000000000000000000000000000003",
        "A1000000000000000000000000000004",
    ]


def test_names_have_runs_of_spaces_collapsed(schedule: Schedule) -> None:
    assert [event.event_name for event in schedule.events] == [
        "Veteran Women's Épée",
        "Senior Team Men's Sabre",
        "Y-14 Mixed Foil",
        "FLORET WETERANI kobiety 0",
    ]


def test_each_event_has_the_nearest_day_heading_above_it(schedule: Schedule) -> None:
    assert [event.day for event in schedule.events] == [
        "Saturday October 3, 2026",
        "Saturday October 3, 2026",
        "Sunday October 4, 2026",
        "Monday October 5, 2026",
    ]


def test_start_times_as_shown(schedule: Schedule) -> None:
    assert [event.start_time for event in schedule.events] == ["8:30 AM", "1:00 PM", "9:00 AM", "10:15 AM"]


def test_statuses_as_shown_and_none_when_blank(schedule: Schedule) -> None:
    assert [event.status for event in schedule.events] == [
        "Finished at 3:12 PM (41 competitors)",
        "Fencing elimination round",
        "Fencing pool round 2",
        None,
    ]


def test_tournament_name_is_whitespace_normalised(schedule: Schedule) -> None:
    assert schedule.tournament_name == "Invented Autumn Cup 2026"


def test_a_schedule_without_events_is_empty_not_an_error() -> None:
    schedule = parse_schedule((FILES / "schedule_no_events_yet.html").read_text(encoding="utf-8"))

    assert (schedule.tournament_name, schedule.events) == ("Invented Winter Open 2027", [])


def test_an_event_page_is_not_a_schedule() -> None:
    html = (FILES / "event_results_finished_with_scores_tab.html").read_text(encoding="utf-8")

    with pytest.raises(ScheduleParseError, match="not a schedule page"):
        parse_schedule(html)


def test_the_login_page_asks_for_a_login() -> None:
    with pytest.raises(LoginRequiredError):
        parse_schedule((FILES / "login_page.html").read_text(encoding="utf-8"))


def test_real_schedule_excerpt() -> None:
    schedule = parse_schedule(real_sample("schedule-excerpt.html").read_text(encoding="utf-8"))

    assert len(schedule.events) == 6
    assert schedule.events[0].event_name == "Cadet Men's Foil"
    assert schedule.events[0].day == "Thursday September 24, 2026"
    assert schedule.events[0].status == "Finished at 4:33 PM (94 competitors)"
    assert [event.day for event in schedule.events].count("Sunday September 27, 2026") == 2
    assert schedule.events[-1].status == "Fencing elimination round"
    assert schedule.events[-1].start_time == "11:00 AM"
    assert schedule.tournament_name == "Cadet & Junior Foil World Cup"
