"""In-process clients: ``FtlClient`` (blocking, any thread) and ``AsyncFtlClient`` (asyncio)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Coroutine, Mapping
from types import TracebackType
from typing import Any, Self

from scrapy import Spider

from ftl_scraper.errors import FtlError
from ftl_scraper.models import PoolsBundle
from ftl_scraper.run.crawls import CrawlService
from ftl_scraper.run.reactor_thread import ASYNCIO_REACTOR, REACTOR_THREAD, ReactorUnavailableError
from ftl_scraper.spiders.arguments import PoolsArguments
from ftl_scraper.spiders.pools import PoolsSpider


class FtlClient:
    """Crawls FTL from a normal (blocking) program, in this process, as often as needed.

    Every call runs a crawler of its own on one Twisted reactor in a background thread; all the
    calls of a client, from any number of threads, share its settings, one politeness cap
    (``CONCURRENT_REQUESTS_PER_DOMAIN`` requests in flight in all), the HTTP cache and the login
    session. ``timeout`` bounds a whole call in seconds; ``DOWNLOAD_TIMEOUT`` bounds each request.
    Use it as a context manager, or call ``close()``: that stops the reactor thread.
    """

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        self._service = CrawlService(settings)
        self._loop = REACTOR_THREAD.acquire()  # raises ReactorUnavailableError
        self._calls_lock = threading.Lock()
        self._closed = False

    def pools(
        self,
        event_id: str,
        pool_round_id: str,
        *,
        force_refresh: bool = False,
        partial: bool = False,
        timeout: float | None = None,
    ) -> PoolsBundle:
        """One pool round (see ``PoolsBundle``); raises the ``FtlError`` subclass of what failed."""
        arguments = _pools_arguments(event_id, pool_round_id, force_refresh, partial)
        return PoolsBundle.model_validate(self._crawl(PoolsSpider, arguments, timeout))

    def close(self) -> None:
        """Stop the calls still running (they raise ``FtlError``), then the reactor thread unless
        another client still uses it."""
        with self._calls_lock:
            if self._closed:
                return
            self._closed = True
        asyncio.run_coroutine_threadsafe(self._service.stop_all(), self._loop).result()
        REACTOR_THREAD.release()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _crawl(
        self, spider_class: type[Spider], arguments: dict[str, Any], timeout: float | None
    ) -> dict[str, Any]:
        if REACTOR_THREAD.is_current_thread():
            # waiting here would stop the very loop that has to finish the crawl
            raise FtlError("FtlClient cannot be called from the reactor's thread: use AsyncFtlClient")
        with self._calls_lock:
            if self._closed:
                raise FtlError("this FtlClient is closed")
            call = asyncio.run_coroutine_threadsafe(
                self._service.crawl(spider_class, arguments, time_limit=timeout), self._loop
            )
        try:
            return call.result()
        except concurrent.futures.CancelledError:
            raise FtlError("the FtlClient was closed while the crawl ran; it was stopped") from None
        except BaseException:
            call.cancel()  # e.g. KeyboardInterrupt: stop the crawl, not just the wait
            raise


class AsyncFtlClient:
    """``FtlClient`` for asyncio programs: the same methods, as coroutines.

    Where the caller's event loop already runs Scrapy's asyncio reactor (inside a Scrapy or
    Twisted-on-asyncio application), the crawls run right on it; otherwise on the reactor thread
    that ``FtlClient`` uses, and only the result crosses over. Close with ``await aclose()`` or
    ``async with``.
    """

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        self._service = CrawlService(settings)
        self._reactor_loop: asyncio.AbstractEventLoop | None = None
        self._uses_reactor_thread = False
        self._closed = False

    async def pools(
        self,
        event_id: str,
        pool_round_id: str,
        *,
        force_refresh: bool = False,
        partial: bool = False,
        timeout: float | None = None,  # noqa: ASYNC109 (the same keyword as FtlClient's)
    ) -> PoolsBundle:
        """One pool round (see ``PoolsBundle``); raises the ``FtlError`` subclass of what failed."""
        arguments = _pools_arguments(event_id, pool_round_id, force_refresh, partial)
        return PoolsBundle.model_validate(await self._crawl(PoolsSpider, arguments, timeout))

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._uses_reactor_thread:
            await asyncio.to_thread(REACTOR_THREAD.release)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.aclose()

    async def _crawl(
        self, spider_class: type[Spider], arguments: dict[str, Any], time_limit: float | None
    ) -> dict[str, Any]:
        if self._closed:
            raise FtlError("this AsyncFtlClient is closed")
        caller_loop = asyncio.get_running_loop()
        reactor_loop = self._reactor_loop or self._find_reactor_loop(caller_loop)
        crawl: Coroutine[Any, Any, dict[str, Any]] = self._service.crawl(
            spider_class, arguments, time_limit=time_limit
        )
        if reactor_loop is caller_loop:
            return await crawl
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(crawl, reactor_loop))

    def _find_reactor_loop(self, caller_loop: asyncio.AbstractEventLoop) -> asyncio.AbstractEventLoop:
        installed_loop = _installed_reactor_loop()
        if installed_loop is not None and installed_loop is caller_loop:
            reactor_loop = installed_loop
        elif installed_loop is None or installed_loop is REACTOR_THREAD.loop:
            reactor_loop = REACTOR_THREAD.acquire()
            self._uses_reactor_thread = True
        else:
            raise ReactorUnavailableError(
                "the asyncio reactor of this process runs on another event loop than the caller's"
            )
        self._reactor_loop = reactor_loop
        return reactor_loop


def _installed_reactor_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop of the installed asyncio reactor; None if no reactor is installed."""
    from scrapy.utils.reactor import is_reactor_installed

    if not is_reactor_installed():
        return None
    from twisted.internet import reactor

    installed = f"{type(reactor).__module__}.{type(reactor).__qualname__}"
    if installed != ASYNCIO_REACTOR:
        raise ReactorUnavailableError(
            f"the Twisted reactor installed in this process is {installed}, not {ASYNCIO_REACTOR}"
        )
    # Twisted keeps the loop only as this attribute; it is the loop the reactor runs on
    loop: asyncio.AbstractEventLoop = reactor._asyncioEventloop
    return loop


def _pools_arguments(event_id: str, pool_round_id: str, force_refresh: bool, partial: bool) -> dict[str, Any]:
    arguments = {
        "event": event_id,
        "round": pool_round_id,
        "force_refresh": force_refresh,
        "partial": partial,
    }
    PoolsArguments.parse(arguments)  # a bad ID fails here, in the caller, before any request
    return arguments
