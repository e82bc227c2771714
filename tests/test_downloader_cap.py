"""The Scrapy bug FtlDownloader works around, reproduced on stock Scrapy with none of our components.

Scrapy 2.14 to 2.19 ignore ``CONCURRENT_REQUESTS_PER_DOMAIN`` when ``DOWNLOAD_DELAY`` is 0: the
downloader counts a transfer only once its task runs, so one dispatch loop starts the whole slot
queue. When this test fails on a newer Scrapy, the cap holds by itself: delete ``FtlDownloader``,
``scrapy_internals.dispatch_within_cap``, the addon's ``DOWNLOADER`` line and this test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy.crawler import AsyncCrawlerRunner
from scrapy.http import Response
from scrapy.utils.defer import deferred_f_from_coro_f

from tests.fakeftl import FakeEvent, FakeFtlServer

CAP = 1


class FragmentsSpider(scrapy.Spider):
    """Asks for every pool fragment at once, as the pools spider does."""

    name = "fragments"

    def __init__(self, urls: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse)

    def parse(self, response: Response) -> None:
        pass


@deferred_f_from_coro_f
async def test_stock_scrapy_sends_more_than_the_per_domain_cap_at_once(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent
) -> None:
    fake_ftl.latency = 0.03  # long enough for requests to overlap
    pools = f"/pools/scores/{fake_event.event_id}/{fake_event.pool_round_id}"
    urls = [fake_ftl.url(f"{pools}/{pool_id}?dbut=true") for pool_id in fake_event.pool_ids[:6]]
    settings = {"CONCURRENT_REQUESTS_PER_DOMAIN": CAP, "DOWNLOAD_DELAY": 0, "TELNETCONSOLE_ENABLED": False}

    await AsyncCrawlerRunner(settings).crawl(FragmentsSpider, urls=urls)

    assert len(fake_ftl.requests) == len(urls)
    assert fake_ftl.peak_in_flight > CAP  # the bug; FtlDownloader holds it to CAP (test_crawl_faults)
