"""``pool_rounds``: many pool rounds in one crawl, each round a unit of a shared crawl.

It stands in for the tournament spider (one unit per event) to exercise the shared queue, the
host cap and the workers' exit; the real pools pipeline assembles each round's bundle. Workers
load it with ``-s SPIDER_MODULES=ftl_scraper.spiders,tests.shared_crawl.spiders``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

import scrapy
from pydantic import Field
from scrapy.http import Response

from ftl_scraper.distributed.redis_crawl import UNIT_META
from ftl_scraper.errors import FtlError
from ftl_scraper.items import PoolFragmentPage, PoolIdsPage, PoolResultsPage
from ftl_scraper.parsers import parse_pool_ids
from ftl_scraper.site.urls import PoolRoundUrls, normalize_base_url, normalize_ftl_id
from ftl_scraper.spiders.arguments import SpiderArguments


class PoolRoundsArguments(SpiderArguments):
    rounds: str = Field(description="eventID/roundID pairs, comma-separated")

    def round_ids(self) -> list[tuple[str, str]]:
        pairs = [pair.split("/") for pair in self.rounds.split(",")]
        return [
            (normalize_ftl_id(event, "event"), normalize_ftl_id(round_, "round")) for event, round_ in pairs
        ]


class PoolRoundsSpider(scrapy.Spider):
    name = "pool_rounds"
    arguments_model: ClassVar[type[PoolRoundsArguments]] = PoolRoundsArguments
    partial = False

    def __init__(self, **kwargs: Any) -> None:
        self.arguments = self.arguments_model.parse(kwargs)
        super().__init__()
        self.errors: list[FtlError] = []

    def record_error(self, error: FtlError) -> None:
        self.errors.append(error)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        base_url = normalize_base_url(self.settings.get("FTL_BASE_URL"))
        for event_id, pool_round_id in self.arguments.round_ids():
            urls = PoolRoundUrls(base_url, event_id, pool_round_id)
            # the unit: its first page goes to the shared queue, the rest stays with its worker
            yield self._request(
                urls.pool_ids_page, self.parse_pool_ids_page, urls, unit=f"round {pool_round_id}"
            )

    def parse_pool_ids_page(self, response: Response, urls: PoolRoundUrls) -> Iterator[Any]:
        pool_ids = parse_pool_ids(response.text)
        yield PoolIdsPage(urls.event_id, urls.pool_round_id, url=response.url, pool_ids=pool_ids)
        yield self._request(urls.results_data, self.parse_results_data, urls)
        for pool_id in pool_ids:
            yield self._request(urls.pool_fragment(pool_id), self.parse_pool_fragment, urls, pool_id=pool_id)

    def parse_pool_fragment(self, response: Response, urls: PoolRoundUrls, pool_id: str) -> Iterator[Any]:
        yield PoolFragmentPage(
            urls.event_id, urls.pool_round_id, url=response.url, pool_id=pool_id, html=response.text
        )

    def parse_results_data(self, response: Response, urls: PoolRoundUrls) -> Iterator[Any]:
        yield PoolResultsPage(urls.event_id, urls.pool_round_id, url=response.url, body=response.body)

    def _request(
        self, url: str, callback: Any, urls: PoolRoundUrls, unit: str = "", **extra: str
    ) -> scrapy.Request:
        meta = {UNIT_META: unit} if unit else {}
        return scrapy.Request(
            url, callback=callback, cb_kwargs={"urls": urls, **extra}, meta=meta, dont_filter=True
        )
