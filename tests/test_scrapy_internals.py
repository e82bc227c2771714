"""The Scrapy version every private-API use in ``ftl_scraper.scrapy_internals`` was checked against."""

from __future__ import annotations

from importlib.metadata import version

from ftl_scraper.scrapy_internals import SCRAPY_VERSION_CHECKED


def test_scrapy_is_the_version_the_private_api_uses_were_checked_against() -> None:
    # on an upgrade: read each function in scrapy_internals against the new Scrapy source, then
    # bump SCRAPY_VERSION_CHECKED (tests/test_downloader_cap.py says whether the cap fix can go)
    assert version("scrapy") == SCRAPY_VERSION_CHECKED
