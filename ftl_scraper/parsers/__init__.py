"""Pure parsers: FTL page text or JSON in, ``ftl_scraper.models`` out (no Scrapy here)."""

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
