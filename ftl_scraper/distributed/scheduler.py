"""Scrapy scheduler for a shared crawl: units through Redis, a unit's own pages kept local.

scrapy-redis 0.9 brings the pieces used here (the Redis request queue and its serializer, the
shared dupe filter) but not a whole that works with Scrapy 2.13+: its RedisSpider feeds start
URLs through ``start_requests()`` and ``engine.crawl(request, spider)``, both gone (only ``async
def start()`` runs now), and its spiders idle forever instead of ending with the shared crawl.
Its Scheduler would also spread a unit's pages over all workers, so none could assemble a bundle.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from typing import Any, Self

from pydantic import BaseModel
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.dupefilter import RFPDupeFilter

from ftl_scraper.distributed.redis_crawl import RedisCrawl, connect, crawl_key, lease_seconds, shared_cap
from ftl_scraper.distributed.units import CLAIMED_META, UNIT_META

logger = logging.getLogger(__name__)

#: how often an idle worker looks again for new units, or for the other workers to finish
POLL_INTERVAL = 0.1


class RedisUnitScheduler:
    """Unit-starting requests go to the shared queue (once across workers, by the unit's name,
    whatever ``dont_filter`` says: every worker yields the same start requests); a unit's
    other requests stay in this worker's memory (by priority) and go before any new unit.
    Start requests that name no unit are crawled by one worker, the first to offer them.

    The worker ends (reason ``finished``) when no unit is waiting and no worker is busy.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.server = connect(crawler.settings["REDIS_URL"])
        #: this worker's requests: (-priority, arrival, request), so higher priority first, then FIFO
        self.local: list[tuple[int, int, Request]] = []
        self._arrival = itertools.count()
        self.crawl: RedisCrawl
        self.dupefilter: RFPDupeFilter
        self._lease_task: asyncio.Task[None] | None = None
        self._wait_task: asyncio.Task[None] | None = None
        self._closing = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        scheduler = cls(crawler)
        crawler.signals.connect(scheduler._spider_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider: Spider) -> None:
        settings = self.crawler.settings
        model = getattr(spider, "arguments", None)
        arguments = model.model_dump() if isinstance(model, BaseModel) else {}
        prefix = crawl_key(spider, arguments, settings.get("FTL_CRAWL_ID"))
        lease = lease_seconds(settings)
        self.crawl = RedisCrawl(self.server, spider, prefix, lease, settings.getint("FTL_REDIS_KEEP"))
        self.dupefilter = RFPDupeFilter(self.server, self.crawl.dupefilter_key)
        self.claim_below = shared_cap(settings)
        self.crawler.stats.set_value("ftl/shared/units_claimed", 0)
        self.crawler.stats.set_value("ftl/shared/units_queued", 0)
        logger.info(
            "Shared crawl %s on %s (worker %s)", prefix, _redis_where(self.server), self.crawl.worker_id
        )
        self._lease_task = asyncio.ensure_future(self._keep_lease())

    def close(self, reason: str) -> None:
        self._closing = True
        for task in (self._lease_task, self._wait_task):
            if task is not None:
                task.cancel()
        self.crawl.leave()

    def has_pending_requests(self) -> bool:
        return bool(self.local) or self.crawl.units_waiting() > 0

    def enqueue_request(self, request: Request) -> bool:
        unit = request.meta.get(UNIT_META)
        if unit and not request.meta.get(CLAIMED_META):
            if not self.crawl.add_unit(str(unit), request):
                return False  # another worker (or this one) queued this unit already
            self.crawler.stats.inc_value("ftl/shared/units_queued")
            return True
        is_seed = request.meta.get("is_start_request") and not request.meta.get(CLAIMED_META)
        if is_seed and not self.crawl.owns_seed():
            return False  # every worker runs start(); the seed's owner alone crawls it
        if not request.dont_filter and self.dupefilter.request_seen(request):
            return False
        heapq.heappush(self.local, (-request.priority, next(self._arrival), request))
        return True

    def next_request(self) -> Request | None:
        if self.local:
            return heapq.heappop(self.local)[2]
        # Scrapy asks for requests until 16 are active: claiming on every ask would let the
        # first worker hoard the queue. A worker takes a unit only when what it holds could not
        # keep the shared host cap busy, so the units spread over the workers.
        if self._requests_in_hand() >= self.claim_below:
            return None
        return self._claim()

    def _requests_in_hand(self) -> int:
        # downloading (or waiting for a host slot), or in a callback that may yield more: a
        # claimed unit's opener is answered in-process at once, then counts while it is parsed
        engine = self.crawler.engine
        scraping = engine.scraper.slot.active if engine.scraper.slot is not None else ()
        return len(engine.downloader.active) + len(scraping)

    def __len__(self) -> int:
        return len(self.local)

    def _claim(self) -> Request | None:
        request: Request | None = self.crawl.claim_unit()
        if request is None:
            return None
        request.meta[CLAIMED_META] = True
        self.crawler.stats.inc_value("ftl/shared/units_claimed")
        logger.debug("Claimed %s", request.meta.get(UNIT_META))
        return request

    def _spider_idle(self) -> None:
        # Scrapy found this worker idle: nothing local, nothing downloading. Claim more work,
        # wait for the busy workers (they may still queue units), or end with the crawl.
        if self._closing:
            return
        busy = self.crawl.idle()
        if busy == 0:
            logger.info("Shared crawl done: no unit waiting and no worker busy")
            return  # the engine closes the spider: reason "finished"
        if busy < 0 and (request := self._claim()) is not None:
            self.crawler.engine.crawl(request)  # wakes the engine at once (public API)
        elif self._wait_task is None or self._wait_task.done():
            self._wait_task = asyncio.ensure_future(self._wait_for_work())
        raise DontCloseSpider

    async def _wait_for_work(self) -> None:
        # the engine would look again only at its 5-second heartbeat: poll Redis meanwhile
        while not self._closing:
            await asyncio.sleep(POLL_INTERVAL)
            busy = self.crawl.idle()
            if busy == 0:
                logger.info("Shared crawl done: no unit waiting and no worker busy")
                deferred_from_coro(self.crawler.engine.close_spider_async(reason="finished"))
                return
            if busy < 0 and (request := self._claim()) is not None:
                self.crawler.engine.crawl(request)
                return

    async def _keep_lease(self) -> None:
        while not self._closing:
            self.crawl.refresh()
            await asyncio.sleep(max(1.0, self.crawl.lease / 3))


def _redis_where(server: Any) -> str:
    kwargs = server.connection_pool.connection_kwargs
    return f"{kwargs.get('host', '?')}:{kwargs.get('port', '?')}/{kwargs.get('db', 0)}"
