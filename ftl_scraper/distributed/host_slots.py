"""A per-host cap on requests in flight, held across every worker of every crawl on one Redis.

Hand-written because nothing at hand holds it: scrapy-redis shares the queue and dupe filter but
each worker still caps only itself (8 workers = 8 x CONCURRENT_REQUESTS_PER_DOMAIN); redis-py's
Lock is a mutex, not a counting semaphore; and a slot must expire if its worker dies, or the host
stays closed for the others. A slot is a member of a sorted set scored by its lease's end.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from typing import Self

import redis
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

from ftl_scraper.distributed.checks import is_shared_crawl
from ftl_scraper.distributed.redis_crawl import connect, lease_seconds, shared_cap
from ftl_scraper.distributed.units import is_unit_opener

#: meta key holding the slot a request holds while it is downloaded
SLOT_META = "ftl_host_slot"
# Drop the slots whose lease ran out (a dead worker), then take one if fewer than the cap are held.
_ACQUIRE = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', t)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], t + tonumber(ARGV[2]), ARGV[3])
  redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])) + 60)
  return 1
end
return 0
"""
_FIRST_WAIT = 0.002
_LONGEST_WAIT = 0.01


class HostSlots:
    """At most ``cap`` leases per host at once; each lease ends by itself after ``lease`` seconds."""

    def __init__(self, server: redis.Redis, cap: int, lease: float) -> None:
        self.server = server
        self.cap = cap
        self.lease = lease
        self._acquire = server.register_script(_ACQUIRE)

    @staticmethod
    def key(host: str) -> str:
        return f"ftl_scraper:host-slots:{host}"

    def try_acquire(self, host: str, slot: str) -> bool:
        return bool(self._acquire(keys=[self.key(host)], args=[self.cap, self.lease, slot]))

    async def acquire(self, host: str) -> str:
        slot = uuid.uuid4().hex
        wait = _FIRST_WAIT
        while not self.try_acquire(host, slot):
            await asyncio.sleep(wait)
            wait = min(wait * 2, _LONGEST_WAIT)
        return slot

    def release(self, host: str, slot: str) -> None:
        self.server.zrem(self.key(host), slot)


class SharedHostCapMiddleware:
    """Each request to a host waits for one of the host's shared slots, and frees it when done.

    Next to the network (after the cache, login and breaker), so a cache hit takes no slot.
    On in shared crawls only (``FTL_SCHEDULER=redis``); the cap is ``FTL_SHARED_HOST_CAP``,
    by default ``CONCURRENT_REQUESTS_PER_DOMAIN``.
    """

    def __init__(self, slots: HostSlots) -> None:
        self.slots = slots
        # This worker never holds more than the cap itself: its requests beyond it wait here,
        # woken as one of its own slots frees, instead of all polling Redis.
        self._own_slots: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(slots.cap))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not is_shared_crawl(settings):
            raise NotConfigured
        return cls(HostSlots(connect(settings["REDIS_URL"]), shared_cap(settings), lease_seconds(settings)))

    async def process_request(self, request: Request) -> None:
        if is_unit_opener(request):
            return
        host = _host(request)
        own_slots = self._own_slots[host]
        await own_slots.acquire()
        try:
            request.meta[SLOT_META] = await self.slots.acquire(host)
        except BaseException:  # cancelled while waiting (the crawl stopping): nothing is held
            own_slots.release()
            raise

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)

    def _release(self, request: Request) -> None:
        slot = request.meta.pop(SLOT_META, None)
        if slot is not None:
            host = _host(request)
            self.slots.release(host, slot)
            self._own_slots[host].release()


def _host(request: Request) -> str:
    return urlparse_cached(request).netloc
