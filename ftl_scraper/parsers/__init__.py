"""Pure parsers: FTL page text or JSON in, ``ftl_scraper.models`` out (no Scrapy here)."""

from ftl_scraper.parsers.pool_html import parse_pool_html
from ftl_scraper.parsers.pool_ids import parse_pool_ids
from ftl_scraper.parsers.pool_results import parse_pool_results
from ftl_scraper.site.login import is_login_page

__all__ = ["is_login_page", "parse_pool_html", "parse_pool_ids", "parse_pool_results"]
