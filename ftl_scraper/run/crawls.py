"""One crawl on the reactor's event loop: the client's settings in, the bundle (or its error) out."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from scrapy import Spider, signals
from scrapy.crawler import AsyncCrawlerRunner
from scrapy.settings import Settings

from ftl_scraper.config import check_settings
from ftl_scraper.errors import CrawlTimeoutError, FtlError
from ftl_scraper.fetching.response_memory import ResponseMemory
from ftl_scraper.fetching.shared_connections import SharedConnections
from ftl_scraper.fetching.transfer_cap import SharedTransferCap
from ftl_scraper.login.credentials import HiddenSecret
from ftl_scraper.login.middleware import SharedLoginSession
from ftl_scraper.models import EventBundle, PoolsBundle, TableauBundle, TournamentEvent
from ftl_scraper.run.outcome import ExitStatus, crawl_outcome
from ftl_scraper.spiders.arguments import (
    EventArguments,
    PoolsArguments,
    TableauArguments,
    TournamentArguments,
)
from ftl_scraper.spiders.event import EventSpider
from ftl_scraper.spiders.pools import PoolsSpider
from ftl_scraper.spiders.tableau import TableauSpider
from ftl_scraper.spiders.tournament import TournamentSpider

PROJECT_SETTINGS_MODULE = "ftl_scraper.settings"


def given_arguments(arguments: dict[str, str | None]) -> dict[str, str]:
    """The spider arguments a caller gave (the keywords it left at None are not passed)."""
    return {name: value for name, value in arguments.items() if value is not None}


#: settings that hold a password or a session cookie: kept, but shown as '<hidden>' in logs
_HIDDEN_SETTINGS = ("FTL_PASSWORD", "FTL_COOKIE")


BundleT = TypeVar("BundleT", bound=BaseModel)


@dataclass(frozen=True)
class CrawlKind(Generic[BundleT]):
    """What one client method crawls: the spider, the check of its arguments, the bundle it gives."""

    spider_class: type[Spider]
    #: raises ``InvalidArgumentError`` on a bad argument, before anything is sent
    check_arguments: Callable[[dict[str, Any]], object]
    bundle_model: type[BundleT]

    def model(self, items: list[dict[str, Any]]) -> BundleT:
        """The one bundle a crawl of this kind exported, validated."""
        [bundle] = items
        return self.bundle_model.model_validate(bundle)

    def models(self, items: list[dict[str, Any]]) -> list[BundleT]:
        """Every item a crawl of this kind exported (one per event of a tournament), validated."""
        return [self.bundle_model.model_validate(item) for item in items]


POOLS = CrawlKind(PoolsSpider, PoolsArguments.parse, PoolsBundle)
TABLEAU = CrawlKind(TableauSpider, TableauArguments.parse, TableauBundle)
EVENT = CrawlKind(EventSpider, EventArguments.parse, EventBundle)
TOURNAMENT = CrawlKind(TournamentSpider, TournamentArguments.parse, TournamentEvent)


def client_settings(overrides: Mapping[str, Any] | None) -> Settings:
    """The project's settings with the caller's on top. Unlike ``scrapy crawl -s``, a password or
    cookie is accepted here (it never reaches a command line), and hidden from the logs."""
    settings = Settings()
    settings.setmodule(PROJECT_SETTINGS_MODULE, priority="project")
    for name, value in (overrides or {}).items():
        kept = HiddenSecret(value) if name in _HIDDEN_SETTINGS and isinstance(value, str) else value
        settings.set(name, kept, priority="project")
    return settings


class _BundleCollector:
    def __init__(self) -> None:
        self.items: list[Any] = []

    def collect(self, item: Any) -> None:
        # a bound method kept alive by the caller: Scrapy holds signal receivers weakly
        self.items.append(item)


class CrawlService:
    """Runs crawls for one client, each with a crawler of its own, all sharing the client's
    settings, one politeness cap, the login session and the HTTP cache (in memory too).

    Its coroutines run on the reactor's event loop only.
    """

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        self.settings = client_settings(settings)
        # once, in the caller, before any crawl: InvalidSettingError names what is wrong
        check_settings(self.settings)
        self.transfer_cap = SharedTransferCap(self.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
        self.settings.set("FTL_SHARED_TRANSFER_CAP", self.transfer_cap, priority="project")
        self.settings.set("FTL_SHARED_LOGIN_SESSION", SharedLoginSession(), priority="project")
        # keep-alive connections to FTL that outlive each crawl
        self.connections = SharedConnections()
        self.settings.set("FTL_SHARED_CONNECTIONS", self.connections, priority="project")
        handler = "ftl_scraper.fetching.shared_connections.SharedPoolDownloadHandler"
        self.settings.set("DOWNLOAD_HANDLERS", {"http": handler, "https": handler}, priority="project")
        # the HTTP cache, answered from memory for pages this client has seen
        self.settings.set("FTL_SHARED_RESPONSE_MEMORY", ResponseMemory(), priority="project")
        self.settings.set(
            "HTTPCACHE_STORAGE",
            "ftl_scraper.fetching.response_memory.RememberingCacheStorage",
            priority="project",
        )
        self._running: set[asyncio.Task[Any]] = set()
        # one runner for all the crawls: each new one would copy the settings and load the
        # spiders again
        self._runner: AsyncCrawlerRunner | None = None

    async def crawl(
        self, kind: CrawlKind[Any], arguments: dict[str, Any], *, time_limit: float | None = None
    ) -> list[dict[str, Any]]:
        """Crawl once; the exported items (JSON-safe dicts), or the crawl's ``FtlError``.

        ``time_limit`` (seconds) bounds the whole crawl: past it, the crawl is stopped."""
        current = asyncio.current_task()
        assert current is not None
        self._running.add(current)
        try:
            return await self._crawl(kind.spider_class, arguments, time_limit)
        finally:
            self._running.discard(current)

    async def close(self) -> None:
        """Stop every crawl still running (each is cancelled, and waited for until it stopped),
        then close the connections to FTL."""
        for task in self._running:
            task.cancel()
        await asyncio.gather(*self._running, return_exceptions=True)
        await self.connections.close()

    async def _crawl(
        self, spider_class: type[Spider], arguments: dict[str, Any], time_limit: float | None
    ) -> list[dict[str, Any]]:
        if self._runner is None:
            self._runner = AsyncCrawlerRunner(self.settings)
        runner = self._runner
        crawler = runner.create_crawler(spider_class)
        collector = _BundleCollector()
        crawler.signals.connect(collector.collect, signal=signals.item_scraped)
        task = runner.crawl(crawler, **arguments)
        try:
            # shielded: on a timeout or a cancelled call the crawl is stopped, not abandoned
            await asyncio.wait_for(asyncio.shield(task), time_limit)
        except TimeoutError:
            await _stop(crawler, task)
            raise CrawlTimeoutError(
                f"the crawl did not finish within the {time_limit:g} s timeout and was stopped",
                event_id=arguments.get("event"),
                pool_round_id=arguments.get("round"),
            ) from None
        except asyncio.CancelledError:
            await _stop(crawler, task)
            raise
        except FtlError:
            raise  # a setting or argument refused as the crawl started
        except Exception as error:
            raise FtlError(f"the crawl could not start: {type(error).__name__}: {error}") from error
        outcome = crawl_outcome(crawler)
        if outcome.status is ExitStatus.FAILED:
            raise outcome.errors[0]
        return [dict(item) for item in collector.items]


async def _stop(crawler: Any, task: asyncio.Task[None]) -> None:
    if getattr(crawler, "engine", None) is not None:
        await crawler.stop_async()
    await asyncio.gather(task, return_exceptions=True)
