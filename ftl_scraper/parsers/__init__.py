"""Pure parsers: FTL page text or JSON in, ``ftl_scraper.models`` out (no Scrapy here)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ftl_scraper.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from ftl_scraper.parsers.event_page import EventPage, parse_event_page
    from ftl_scraper.parsers.final_results import parse_final_results
    from ftl_scraper.parsers.pool_html import parse_pool_html
    from ftl_scraper.parsers.pool_ids import parse_pool_ids
    from ftl_scraper.parsers.pool_results import parse_pool_results
    from ftl_scraper.parsers.schedule import Schedule, ScheduledEvent, parse_schedule
    from ftl_scraper.parsers.tableau import TreeSource, parse_tableau_html
    from ftl_scraper.parsers.tableau_trees import TreeListing, parse_tableau_trees
    from ftl_scraper.site.login import is_login_page

__all__ = [
    "EventPage",
    "Schedule",
    "ScheduledEvent",
    "TreeListing",
    "TreeSource",
    "is_login_page",
    "parse_event_page",
    "parse_final_results",
    "parse_pool_html",
    "parse_pool_ids",
    "parse_pool_results",
    "parse_schedule",
    "parse_tableau_html",
    "parse_tableau_trees",
]

_HOMES = {
    "EventPage": "ftl_scraper.parsers.event_page",
    "parse_event_page": "ftl_scraper.parsers.event_page",
    "parse_final_results": "ftl_scraper.parsers.final_results",
    "parse_pool_html": "ftl_scraper.parsers.pool_html",
    "parse_pool_ids": "ftl_scraper.parsers.pool_ids",
    "parse_pool_results": "ftl_scraper.parsers.pool_results",
    "Schedule": "ftl_scraper.parsers.schedule",
    "ScheduledEvent": "ftl_scraper.parsers.schedule",
    "parse_schedule": "ftl_scraper.parsers.schedule",
    "TreeSource": "ftl_scraper.parsers.tableau",
    "parse_tableau_html": "ftl_scraper.parsers.tableau",
    "TreeListing": "ftl_scraper.parsers.tableau_trees",
    "parse_tableau_trees": "ftl_scraper.parsers.tableau_trees",
    "is_login_page": "ftl_scraper.site.login",
}
__getattr__ = lazy_exports(__name__, _HOMES)
