"""The HTTP cache of a client, kept in memory too, so its calls skip re-reading pages from disk."""

from __future__ import annotations

import time
from collections import OrderedDict

from scrapy import Request, Spider
from scrapy.http import Response
from scrapy.http.headers import Headers
from scrapy.settings import BaseSettings

from ftl_scraper.fetching.cache import FtlFilesystemCacheStorage, _without_secrets
from ftl_scraper.fetching.shared import SharedAcrossCrawls


class ResponseMemory(SharedAcrossCrawls):
    """Recently cached responses, shared by every crawl of a client (``FTL_SHARED_RESPONSE_MEMORY``).

    Bounded by the bytes of the bodies it holds; the least recently used go first.
    """

    def __init__(self, max_bytes: int = 32 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self.held_bytes = 0
        self._entries: OrderedDict[str, tuple[Response, float]] = OrderedDict()

    def get(self, key: str) -> tuple[Response, float] | None:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, key: str, response: Response, stored_at: float) -> None:
        self.forget(key)
        self._entries[key] = (response, stored_at)
        self.held_bytes += len(response.body)
        while self.held_bytes > self.max_bytes and self._entries:
            _, (oldest, _) = self._entries.popitem(last=False)
            self.held_bytes -= len(oldest.body)

    def forget(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self.held_bytes -= len(entry[0].body)


class RememberingCacheStorage(FtlFilesystemCacheStorage):
    """The project's filesystem cache, answering from the client's ``ResponseMemory`` first.

    An entry is remembered with the time it was stored on disk, so it expires from memory when
    it would from disk (``HTTPCACHE_EXPIRATION_SECS``). Without the memory (a crawl outside a
    client), it is the filesystem storage unchanged.
    """

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.memory: ResponseMemory | None = settings.get("FTL_SHARED_RESPONSE_MEMORY")

    def retrieve_response(self, spider: Spider, request: Request) -> Response | None:
        if self.memory is None:
            return super().retrieve_response(spider, request)
        key = self._fingerprint(request)
        remembered = self.memory.get(key)
        if remembered is not None:
            response, stored_at = remembered
            if not self.expiration_secs or time.time() - stored_at <= self.expiration_secs:
                request.meta["cache_timestamp"] = stored_at
                # each crawl gets objects of its own, answering its own request; the body bytes
                # are shared
                return response.replace(headers=Headers(response.headers), request=request)
            self.memory.forget(key)
        from_disk = super().retrieve_response(spider, request)
        # Scrapy's storage records when the entry was written; without that, it is not remembered
        written_at = request.meta.get("cache_timestamp")
        if from_disk is not None and written_at is not None:
            # a copy: the engine sets the request (with its spider's callbacks) on the response
            # this crawl gets, and a later crawl answered from memory must not get that request
            self.memory.put(key, from_disk.replace(), float(written_at))
        return from_disk

    def store_response(self, spider: Spider, request: Request, response: Response) -> None:
        super().store_response(spider, request, response)
        if self.memory is not None:
            scrubbed = response.replace(headers=_without_secrets(response.headers))
            self.memory.put(self._fingerprint(request), scrubbed, time.time())
