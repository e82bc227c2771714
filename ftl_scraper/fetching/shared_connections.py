"""One pool of keep-alive connections to FTL for all the crawls of a client, instead of one per crawl."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.utils.defer import maybe_deferred_to_future

from ftl_scraper.fetching.shared import SharedAcrossCrawls

if TYPE_CHECKING:
    from twisted.web.client import HTTPConnectionPool


class SharedConnections(SharedAcrossCrawls):
    """The connection pool of a client's crawls (``FTL_SHARED_CONNECTIONS``).

    Each crawl's download handler would open its own connections to FTL and close them at the
    end, so every call would pay the TCP (and TLS) handshakes again; with the pool shared, a
    call reuses the connections the last one left open. Closed with the client.
    """

    def __init__(self) -> None:
        self.pool: HTTPConnectionPool | None = None

    def adopt(self, pool: HTTPConnectionPool) -> HTTPConnectionPool:
        """The shared pool: the first crawl's own (built as Scrapy builds it), then that one."""
        if self.pool is None:
            self.pool = pool
        return self.pool

    async def close(self) -> None:
        if self.pool is not None:
            pool, self.pool = self.pool, None
            await maybe_deferred_to_future(pool.closeCachedConnections())


class SharedPoolDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler on the client's shared connection pool, when there is one."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.shared: SharedConnections | None = crawler.settings.get("FTL_SHARED_CONNECTIONS")
        if self.shared is not None:
            self._pool = self.shared.adopt(self._pool)

    async def close(self) -> None:
        if self.shared is None:
            await super().close()
        # else the connections stay open for the client's next call; the client closes them
