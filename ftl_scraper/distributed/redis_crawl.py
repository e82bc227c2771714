"""The Redis side of a shared crawl: its keys, the units queue with claims, and who is still busy.

A *unit* is a piece of a crawl that one worker assembles whole (a tournament's event, a pool
round): its first request (``meta["ftl_unit"]`` set) goes to the shared queue, every later
request of the unit stays with the worker that claimed it.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any
from urllib.parse import urlsplit

import redis
from scrapy import Spider
from scrapy.settings import BaseSettings
from scrapy_redis.queue import FifoQueue

from ftl_scraper.errors import InvalidArgumentError

# Claim the next unit and mark this worker busy in one step, so no other worker can see the
# queue empty and nobody busy in between. Leases are Redis-clock timestamps: a worker that dies
# stops counting as busy once its lease runs out.
_CLAIM = """
local unit = redis.call('RPOP', KEYS[1])
if unit then
  local now = redis.call('TIME')
  redis.call('ZADD', KEYS[2], tonumber(now[1]) + tonumber(ARGV[2]), ARGV[1])
end
return unit
"""
# Queue a unit once across workers: a unit is known by its name (every worker's start() or
# schedule page names the same units), not by its request. Pushed where FifoQueue pushes.
_ADD = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('LPUSH', KEYS[2], ARGV[2])
return 1
"""
# A worker with nothing left to do: -1 if units are waiting (claim one), else it leaves the busy
# set and gets the number of workers still busy (expired leases dropped first).
_IDLE = """
if redis.call('LLEN', KEYS[1]) > 0 then return -1 end
redis.call('ZREM', KEYS[2], ARGV[1])
local now = redis.call('TIME')
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now[1])
return redis.call('ZCARD', KEYS[2])
"""
# The crawl's start requests that name no unit (a tournament's schedule page, a single round's
# pages) are its seed: the first worker to offer one owns them all, and is busy from then on.
_SEED = """
local owner = redis.call('GET', KEYS[1])
if not owner then
  redis.call('SET', KEYS[1], ARGV[1])
  owner = ARGV[1]
end
if owner ~= ARGV[1] then return 0 end
local now = redis.call('TIME')
redis.call('ZADD', KEYS[2], tonumber(now[1]) + tonumber(ARGV[2]), ARGV[1])
return 1
"""
_REFRESH = """
local now = redis.call('TIME')
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], tonumber(now[1]) + tonumber(ARGV[2]), ARGV[1])
end
for i = 2, #KEYS do redis.call('EXPIRE', KEYS[i], ARGV[3]) end
"""


def shared_cap(settings: BaseSettings) -> int:
    """Requests in flight to FTL across every worker: ``FTL_SHARED_HOST_CAP``, else one worker's cap."""
    return settings.getint("FTL_SHARED_HOST_CAP") or settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")


def lease_seconds(settings: BaseSettings) -> float:
    """How long a worker's claim (a unit, a host slot) lasts unless renewed: longer than any
    download (its timeout, and a retry's wait is outside it), by a margin."""
    return 2 * settings.getfloat("DOWNLOAD_TIMEOUT") + 5


def connect(redis_url: str) -> redis.Redis:
    """A client for ``REDIS_URL``; a wrong URL or an unreachable server is one readable error."""
    where = redacted_url(str(redis_url))
    try:
        server = redis.Redis.from_url(redis_url, socket_connect_timeout=5)
        server.ping()
    except ValueError as error:
        raise InvalidArgumentError(f"REDIS_URL {where!r} is not a Redis URL: {error}") from None
    except redis.RedisError as error:
        raise InvalidArgumentError(f"cannot reach Redis at {where}: {error}") from None
    return server


def redacted_url(url: str) -> str:
    """``url`` without the password a Redis URL may carry (``redis://:secret@host``)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(netloc=f"{parts.username or ''}:***@{parts.hostname}:{parts.port}").geturl()


def crawl_key(spider: Spider, arguments: dict[str, Any], crawl_id: str | None) -> str:
    """The prefix of the crawl's keys: the same for every worker started with the same command."""
    if not crawl_id:
        # service arguments (Scrapyd's _job) differ per worker: they are not part of the crawl
        own = {k: str(v) for k, v in sorted(arguments.items()) if not str(k).startswith("_")}
        crawl_id = hashlib.sha1(json.dumps(own).encode()).hexdigest()[:16]
    return f"ftl_scraper:{spider.name}:{crawl_id}"


class RedisCrawl:
    """One worker's handle on the shared crawl: queue units, claim them, say when all is done."""

    def __init__(self, server: redis.Redis, spider: Spider, prefix: str, lease: float, keep: int) -> None:
        self.server = server
        self.prefix = prefix
        self.worker_id = uuid.uuid4().hex
        self.lease = max(1, int(lease))
        self.keep = keep
        self.units = FifoQueue(server, spider, f"{prefix}:units")
        self.busy_key = f"{prefix}:busy"
        self.dupefilter_key = f"{prefix}:dupefilter"
        self.seed_key = f"{prefix}:seed-owner"
        self.unit_names_key = f"{prefix}:unit-names"
        self._add = server.register_script(_ADD)
        self._claim = server.register_script(_CLAIM)
        self._idle = server.register_script(_IDLE)
        self._refresh = server.register_script(_REFRESH)
        self._seed = server.register_script(_SEED)
        self._owns_seed: bool | None = None

    def owns_seed(self) -> bool:
        """Whether this worker crawls the start requests that name no unit (asked once)."""
        if self._owns_seed is None:
            owner = self._seed(keys=[self.seed_key, self.busy_key], args=[self.worker_id, self.lease])
            self._owns_seed = bool(owner)
        return self._owns_seed

    def add_unit(self, name: str, request: Any) -> bool:
        """Queue unit ``name`` (its first request); False if it was queued before, by any worker."""
        encoded = self.units._encode_request(request)
        return bool(self._add(keys=[self.unit_names_key, self.units.key], args=[name, encoded]))

    def claim_unit(self) -> Any | None:
        """The next unit's first request, or None; the worker counts as busy from now on."""
        encoded = self._claim(keys=[self.units.key, self.busy_key], args=[self.worker_id, self.lease])
        if encoded is None:
            return None
        return self.units._decode_request(encoded)

    def units_waiting(self) -> int:
        return len(self.units)

    def idle(self) -> int:
        """Nothing left here: -1 if units are waiting, else how many workers are still busy."""
        return int(self._idle(keys=[self.units.key, self.busy_key], args=[self.worker_id]))

    def refresh(self) -> None:
        """Extend this worker's lease (if busy), and keep the crawl's keys ``keep`` seconds more."""
        keys = [self.busy_key, self.units.key, self.busy_key, self.dupefilter_key, self.seed_key]
        keys.append(self.unit_names_key)
        self._refresh(keys=keys, args=[self.worker_id, self.lease, self.keep])

    def leave(self) -> None:
        """This worker is gone; the crawl's keys expire ``keep`` seconds from now (unless renewed)."""
        self.server.zrem(self.busy_key, self.worker_id)
        self.refresh()
