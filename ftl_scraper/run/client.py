"""In-process clients: ``FtlClient`` (blocking, any thread) and ``AsyncFtlClient`` (asyncio)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self

from ftl_scraper.errors import FtlError, ReactorUnavailableError
from ftl_scraper.models import EventBundle, PoolsBundle, TableauBundle, TournamentEvent
from ftl_scraper.run.crawls import EVENT, POOLS, TABLEAU, TOURNAMENT, CrawlKind, CrawlService, given_arguments
from ftl_scraper.run.reactor_thread import REACTOR_THREAD, installed_reactor_loop


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
        self._closed_lock = threading.Lock()
        self._closed = False

    # one short method per kind of crawl

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
        arguments = {"event": event_id, "round": pool_round_id, "force_refresh": force_refresh}
        return POOLS.model(self._crawl(POOLS, timeout, **arguments, partial=partial))

    def tableau(
        self,
        event_id: str,
        tableau_id: str,
        *,
        force_refresh: bool = False,
        partial: bool = False,
        timeout: float | None = None,
    ) -> TableauBundle:
        """One DE tableau (see ``TableauBundle``); raises the ``FtlError`` subclass of what failed."""
        arguments = {"event": event_id, "tableau": tableau_id, "force_refresh": force_refresh}
        return TABLEAU.model(self._crawl(TABLEAU, timeout, **arguments, partial=partial))

    def event(
        self,
        event_id: str | None = None,
        *,
        url: str | None = None,
        force_refresh: bool = False,
        timeout: float | None = None,
    ) -> EventBundle:
        """One event, by ID or any FTL URL of it (see ``EventBundle``); failed pages are listed in
        the bundle, an error that leaves no bundle raises its ``FtlError``."""
        arguments = given_arguments({"event": event_id, "url": url})
        return EVENT.model(self._crawl(EVENT, timeout, **arguments, force_refresh=force_refresh))

    def tournament(
        self,
        tournament_id: str | None = None,
        *,
        url: str | None = None,
        events: str | None = None,
        force_refresh: bool = False,
        timeout: float | None = None,
    ) -> list[TournamentEvent]:
        """Every event of a tournament (``events``: a regular expression their names must match),
        once all are done; a crawl that cannot go on raises its ``FtlError``."""
        arguments = given_arguments({"tournament": tournament_id, "url": url, "events": events})
        items = self._crawl(TOURNAMENT, timeout, **arguments, force_refresh=force_refresh)
        return TOURNAMENT.models(items)

    def close(self) -> None:
        """Stop the calls still running (they raise ``FtlError``), then the reactor thread unless
        another client still uses it."""
        with self._closed_lock:
            if self._closed:
                return
            self._closed = True
        asyncio.run_coroutine_threadsafe(self._service.close(), self._loop).result()
        REACTOR_THREAD.release()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _crawl(self, kind: CrawlKind[Any], timeout: float | None, **arguments: Any) -> list[dict[str, Any]]:
        kind.check_arguments(arguments)  # a bad argument fails here, before any request
        if REACTOR_THREAD.is_current_thread():
            # waiting here would stop the very loop that has to finish the crawl
            raise FtlError("FtlClient cannot be called from the reactor's thread: use AsyncFtlClient")
        with self._closed_lock:
            if self._closed:
                raise FtlError("this FtlClient is closed")
            call = asyncio.run_coroutine_threadsafe(
                self._service.crawl(kind, arguments, time_limit=timeout), self._loop
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

    # one short method per kind of crawl

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
        arguments = {"event": event_id, "round": pool_round_id, "force_refresh": force_refresh}
        return POOLS.model(await self._crawl(POOLS, timeout, **arguments, partial=partial))

    async def tableau(
        self,
        event_id: str,
        tableau_id: str,
        *,
        force_refresh: bool = False,
        partial: bool = False,
        timeout: float | None = None,  # noqa: ASYNC109 (the same keyword as FtlClient's)
    ) -> TableauBundle:
        """One DE tableau (see ``TableauBundle``); raises the ``FtlError`` subclass of what failed."""
        arguments = {"event": event_id, "tableau": tableau_id, "force_refresh": force_refresh}
        return TABLEAU.model(await self._crawl(TABLEAU, timeout, **arguments, partial=partial))

    async def event(
        self,
        event_id: str | None = None,
        *,
        url: str | None = None,
        force_refresh: bool = False,
        timeout: float | None = None,  # noqa: ASYNC109 (the same keyword as FtlClient's)
    ) -> EventBundle:
        """One event, by ID or any FTL URL of it (see ``EventBundle``)."""
        arguments = given_arguments({"event": event_id, "url": url})
        return EVENT.model(await self._crawl(EVENT, timeout, **arguments, force_refresh=force_refresh))

    async def tournament(
        self,
        tournament_id: str | None = None,
        *,
        url: str | None = None,
        events: str | None = None,
        force_refresh: bool = False,
        timeout: float | None = None,  # noqa: ASYNC109 (the same keyword as FtlClient's)
    ) -> list[TournamentEvent]:
        """Every event of a tournament, once all are done (see ``FtlClient.tournament``)."""
        arguments = given_arguments({"tournament": tournament_id, "url": url, "events": events})
        items = await self._crawl(TOURNAMENT, timeout, **arguments, force_refresh=force_refresh)
        return TOURNAMENT.models(items)

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._reactor_loop is not None:
            await _on_loop(self._service.close(), self._reactor_loop)
        if self._uses_reactor_thread:
            await asyncio.to_thread(REACTOR_THREAD.release)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.aclose()

    async def _crawl(
        self, kind: CrawlKind[Any], time_limit: float | None, **arguments: Any
    ) -> list[dict[str, Any]]:
        kind.check_arguments(arguments)  # a bad argument fails here, before any request
        if self._closed:
            raise FtlError("this AsyncFtlClient is closed")
        reactor_loop = self._reactor_loop or self._find_reactor_loop()
        items: list[dict[str, Any]] = await _on_loop(
            self._service.crawl(kind, arguments, time_limit=time_limit), reactor_loop
        )
        return items

    def _find_reactor_loop(self) -> asyncio.AbstractEventLoop:
        installed_loop = installed_reactor_loop()
        if installed_loop is not None and installed_loop is asyncio.get_running_loop():
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


async def _on_loop(coroutine: Any, loop: asyncio.AbstractEventLoop) -> Any:
    """Await ``coroutine`` on ``loop``: right here when it is the running loop, else across threads."""
    if loop is asyncio.get_running_loop():
        return await coroutine
    return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, loop))
