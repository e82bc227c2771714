"""Refuse any request to a host other than FTL's (a redirect elsewhere, a stray link)."""

from __future__ import annotations

from typing import Self
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

from ftl_scraper.distributed.units import is_unit_opener
from ftl_scraper.site.urls import normalize_base_url


class FtlHostOnlyMiddleware:
    """Only FTL's site root (``FTL_BASE_URL``) is ever contacted.

    OffsiteMiddleware is not enough: it lets ``dont_filter`` requests through, and
    every retry and redirect Scrapy builds is one.
    """

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(normalize_base_url(base_url))
        self.allowed = (parts.scheme, parts.netloc)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.settings["FTL_BASE_URL"])

    def process_request(self, request: Request) -> None:
        if is_unit_opener(request):
            return
        parts = urlparse_cached(request)
        if (parts.scheme, parts.netloc) != self.allowed:
            raise IgnoreRequest(
                f"refused to contact {parts.scheme}://{parts.netloc}: "
                f"only {self.allowed[0]}://{self.allowed[1]} (FTL_BASE_URL) is allowed"
            )
