"""Read an event page's header and tab bar: names, time, tournament, pool rounds and tableaus."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from parsel import Selector

from ftl_scraper.errors import EventPageParseError, LoginRequiredError
from ftl_scraper.parsers.text import first_text, normalize_whitespace
from ftl_scraper.site.ids import FTL_ID_ANY_CASE
from ftl_scraper.site.login import LOGIN_REQUIRED_MESSAGE, is_login_page

_ID = FTL_ID_ANY_CASE
_SCHEDULE_PATH = re.compile(rf"/tournaments/eventSchedule/(?P<tournament>{_ID})/?", re.IGNORECASE)
_ROUND_PATH = re.compile(
    rf"/(?P<kind>pools|tableaus)/scores/(?P<event>{_ID})/(?P<round>{_ID})/?", re.IGNORECASE
)
_FINAL_RESULTS_HEADING = "Final Results"


@dataclass(frozen=True)
class EventPage:
    """What an event page says about its event (names whitespace-normalised)."""

    event_id: str
    tournament_id: str | None
    tournament_name: str | None
    event_name: str | None
    event_time: str | None
    pool_round_ids: list[str]
    tableau_ids: list[str]
    final_results_published: bool


def parse_event_page(html: str, event_id: str, *, url: str | None = None) -> EventPage:
    """Read the page of event ``event_id`` (results, competitors, format, pools or tableau page).

    Round IDs come from every link whose path is ``/pools/scores/{event}/{round}`` or
    ``/tableaus/scores/{event}/{round}`` for this event, in document order, each once; links of
    other events are ignored (ftl-site.md §4, §8). No Pools tab means none published yet. The
    page's own URL counts as a link, since a router redirect may land on a round's page.
    """
    if is_login_page(html):
        raise LoginRequiredError(LOGIN_REQUIRED_MESSAGE, event_id=event_id, url=url)
    page = Selector(text=html, type="html")
    tab_bar = page.css("a.nav-link")
    header = page.css(".pageTitle, .desktop.tournName, .desktop.eventName")
    if not tab_bar and not header:
        raise EventPageParseError(
            "not an FTL event page: no tab bar and no event header", event_id=event_id, url=url
        )
    hrefs = ([url] if url else []) + page.xpath("//a/@href").getall()
    rounds: dict[str, dict[str, None]] = {"pools": {}, "tableaus": {}}
    tournament_id = None
    for href in hrefs:
        path = urlsplit(href.strip()).path
        if (match := _ROUND_PATH.fullmatch(path)) and match["event"].upper() == event_id.upper():
            rounds[match["kind"].lower()].setdefault(match["round"].upper(), None)
        elif tournament_id is None and (schedule := _SCHEDULE_PATH.fullmatch(path)):
            tournament_id = schedule["tournament"].upper()
    headings = {normalize_whitespace(text) for text in page.xpath("//h3//text()").getall()}
    return EventPage(
        event_id=event_id.upper(),
        tournament_id=tournament_id,
        tournament_name=first_text(page.css(".desktop.tournName")),
        event_name=first_text(page.css(".desktop.eventName")) or first_text(page.css(".mobile.eventName")),
        event_time=first_text(page.css(".desktop.eventTime")),
        pool_round_ids=list(rounds["pools"]),
        tableau_ids=list(rounds["tableaus"]),
        final_results_published=_FINAL_RESULTS_HEADING in headings,
    )
