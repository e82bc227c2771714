"""Read a tournament's schedule page (/tournaments/eventSchedule/{tournament}): its events in order."""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsel import Selector

from ftl_scraper.errors import LoginRequiredError, ScheduleParseError
from ftl_scraper.parsers.text import first_text
from ftl_scraper.site.ids import FTL_ID_ANY_CASE
from ftl_scraper.site.login import LOGIN_REQUIRED_MESSAGE, is_login_page

_ROW_EVENT_ID = re.compile(rf"ev_(?P<event>{FTL_ID_ANY_CASE})")
_VIEW_LINK_EVENT_ID = re.compile(rf"/events/view/(?P<event>{FTL_ID_ANY_CASE})(?:[/?#]|$)")


@dataclass(frozen=True)
class ScheduledEvent:
    """One row of the schedule, every text whitespace-normalised."""

    event_id: str
    event_name: str
    start_time: str | None
    day: str | None
    status: str | None


@dataclass(frozen=True)
class Schedule:
    tournament_name: str | None
    events: list[ScheduledEvent]


def parse_schedule(html: str) -> Schedule:
    """The schedule's events in page order, each once, with the day heading it is listed under.

    A schedule without events (nothing scheduled yet) is valid; a page that is neither a
    schedule nor lists events is an error.
    """
    if is_login_page(html):
        raise LoginRequiredError(LOGIN_REQUIRED_MESSAGE)
    page = Selector(text=html, type="html")
    rows = page.css('tr[id^="ev_"]')
    if not rows and not page.css("table.scheduleTable") and "Event Schedule" not in html:
        raise ScheduleParseError("not a schedule page: no event rows and no schedule table")
    events: dict[str, ScheduledEvent] = {}
    for row in rows:
        event = _read_row(row)
        events.setdefault(event.event_id, event)
    return Schedule(
        tournament_name=first_text(page.css(".desktop.tournName"))
        or first_text(page.css(".mobile.tournName")),
        events=list(events.values()),
    )


def _read_row(row: Selector) -> ScheduledEvent:
    row_id = row.attrib.get("id", "")
    match = _ROW_EVENT_ID.fullmatch(row_id.strip()) or _VIEW_LINK_EVENT_ID.search(
        row.attrib.get("data-href", "")
    )
    if match is None:
        raise ScheduleParseError(f"schedule row {row_id!r} carries no event ID")
    cells = row.xpath("./td")
    if len(cells) < 2:
        raise ScheduleParseError(f"schedule row {row_id!r} has {len(cells)} cells, expected 3")
    name = first_text(cells[1].css("a")) or first_text(cells[1:2])
    if not name:
        raise ScheduleParseError(f"schedule row {row_id!r} has no event name")
    return ScheduledEvent(
        event_id=match["event"].upper(),
        event_name=name,
        start_time=first_text(cells[0:1]),
        # the day is the nearest heading above the row's table (ftl-site.md §3)
        day=first_text(row.xpath("preceding::h5[1]")),
        status=first_text(cells[2:3]),
    )
