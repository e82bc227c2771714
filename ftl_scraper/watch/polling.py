"""A watch's polls in one crawl: when the next poll starts, conditional requests, pauses while FTL is down.

A spider that watches owns a ``Poller`` and offers ``poll_requests()`` (the pages of one poll, which
also sets the poll's ``PollPlan`` for its bundle pipeline); the bundle pipeline emits each poll's
bundle once its pages are in, and the watch pipeline tells the poller what it showed
(``poll_assembled``). Every poll runs in the same crawl, so the process, the login and the open
connections are paid for once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal, Protocol

from scrapy import Request
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.utils.asyncio import CallLaterResult, call_later

from ftl_scraper.errors import (
    CassetteMissError,
    FtlError,
    HostUnavailableError,
    InvalidArgumentError,
    LoginRefusedError,
    LoginRequiredError,
)
from ftl_scraper.fetching.circuit_breaker import circuit_breaker_reset

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

#: Signal sent once a poll's bundle is in (``poll_number``, ``over``), before the next poll is planned.
poll_finished = object()

#: The shortest ``-a watch`` interval: FTL is a small service, and a pool bout takes minutes.
MINIMUM_INTERVAL = 15
#: While FTL is down the pause between polls doubles, up to this (or the interval, if longer).
LONGEST_OUTAGE_PAUSE = 600.0

# errors that another poll cannot cure: the watch stops on them as a crawl would
_FATAL_ERRORS = (LoginRequiredError, LoginRefusedError, CassetteMissError, InvalidArgumentError)
# FTL's cache validators, and the request headers that send them back
_VALIDATORS = ((b"ETag", b"If-None-Match"), (b"Last-Modified", b"If-Modified-Since"))

Phase = Literal["fetching", "waiting", "done"]


class PollingSpider(Protocol):
    crawler: Crawler
    errors: list[FtlError]

    def poll_requests(self) -> Iterable[Request]: ...


@dataclass(frozen=True)
class PollPlan:
    """What one poll fetches, for the pipeline assembling its bundle: every part not ``settled``
    (finished pools are never fetched again), and the round's results only ``with_results`` (in
    an event watch, the results of the rounds in ``rounds_with_results``)."""

    number: int
    settled: frozenset[str]
    with_results: bool
    rounds_with_results: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SourceChange:
    """FTL became unavailable (``message`` says why) or answers again (``since`` the outage began)."""

    kind: Literal["unavailable", "recovered"]
    message: str = ""
    since: datetime | None = None


def poll_interval(settings: BaseSettings, watch_seconds: float) -> float:
    """Seconds between polls: ``-a watch``, unless ``FTL_WATCH_POLL_INTERVAL`` replaces it (a stand-in FTL
    in tests and benchmarks polls many times a second; the argument's 15 s floor is for FTL)."""
    override = settings.getfloat("FTL_WATCH_POLL_INTERVAL", 0.0)
    return override if override > 0 else float(watch_seconds)


class Poller:
    """Runs poll after poll until the bundle says the round is over, or the crawl is stopped.

    Phases, driven by the engine going idle: ``fetching`` (the poll's pages; the pipeline emits its
    bundle with the last of them) -> ``waiting`` (a timer until the next poll) -> ``fetching`` ...
    -> ``done``.
    """

    def __init__(self, spider: PollingSpider, interval: float) -> None:
        self.spider = spider
        self.interval = interval
        self.poll_number = 1
        self.phase: Phase = "fetching"
        self.has_snapshot = False
        self.over = False
        #: parts of the round that cannot change any more (finished pools): never fetched again
        self.settled: frozenset[str] = frozenset()
        #: what the current poll fetches (set by the spider's ``poll_requests``)
        self.plan: PollPlan | None = None
        self.unavailable_since: datetime | None = None
        self._outage_polls = 0
        self._validators: dict[str, list[tuple[bytes, bytes]]] = {}
        self._timer: CallLaterResult | None = None

    # -- requests

    def prepare(self, request: Request) -> Request:
        """Ask FTL for a fresh copy (never the HTTP cache), conditionally if it sent validators."""
        request.meta["dont_cache"] = True
        request.meta["handle_httpstatus_list"] = [304]
        for header, value in self._validators.get(request.url, ()):
            request.headers[header] = value
        return request

    def unchanged(self, response: Response) -> bool:
        """True for FTL's 304 (the page is as last read); otherwise remember its validators."""
        if response.status == 304:
            self.spider.crawler.stats.inc_value("ftl/watch/not_modified")
            return True
        validators = [
            (request_header, value)
            for response_header, request_header in _VALIDATORS
            if (value := response.headers.get(response_header))
        ]
        url = response.request.url if response.request is not None else response.url
        if validators:
            self._validators[url] = validators
        else:
            self._validators.pop(url, None)
        return False

    # -- errors and FTL's availability

    def tolerates(self, error: FtlError) -> bool:
        """Once the snapshot is out, a failed page is read again at the next poll; before, the
        watch fails as a crawl would (a wrong ID or a login problem shows at once)."""
        return self.has_snapshot and not isinstance(error, _FATAL_ERRORS)

    def source_change(self, at: datetime) -> SourceChange | None:
        """Whether this poll found FTL down (the circuit breaker tripped) or back after an outage."""
        cause = next((error for error in self.spider.errors if isinstance(error, HostUnavailableError)), None)
        if cause is not None:
            self._outage_polls += 1
            if self.unavailable_since is None:
                self.unavailable_since = at
                return SourceChange("unavailable", message=cause.message)
            return None
        if self.unavailable_since is not None:
            since, self.unavailable_since, self._outage_polls = self.unavailable_since, None, 0
            return SourceChange("recovered", since=since)
        return None

    # -- from the watch pipeline

    def poll_assembled(self, *, settled: frozenset[str], over: bool) -> None:
        self.has_snapshot = True
        self.settled = settled
        self.over = over

    # -- the poll cycle

    def on_idle(self) -> None:
        """Called from the spider's ``spider_idle`` handler; raises DontCloseSpider to keep polling."""
        crawler = self.spider.crawler
        if self.phase == "fetching":
            if not self.has_snapshot:
                return  # the first poll failed, or ended without its bundle: the crawl ends
            crawler.stats.set_value("ftl/watch/polls", self.poll_number)
            crawler.signals.send_catch_log(poll_finished, poll_number=self.poll_number, over=self.over)
            if self.over or self.phase != "fetching":  # a signal handler may have stopped the watch
                self.phase = "done"
                return
            self.phase = "waiting"
            self._timer = call_later(self._pause(), self._start_poll)
            raise DontCloseSpider
        if self.phase == "waiting":
            raise DontCloseSpider

    def stop(self) -> None:
        """The crawl is closing (round over, Ctrl-C, SIGTERM, fatal error): no further poll."""
        self.phase = "done"
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _pause(self) -> float:
        if not self._outage_polls:
            return self.interval
        return min(self.interval * 2**self._outage_polls, max(self.interval, LONGEST_OUTAGE_PAUSE))

    def _start_poll(self) -> None:
        self._timer = None
        if self.phase != "waiting":
            return
        crawler = self.spider.crawler
        if self.unavailable_since is not None:
            # the pause is over: let requests reach FTL again to see whether it is back
            crawler.signals.send_catch_log(circuit_breaker_reset)
        self.spider.errors.clear()  # errors are per poll; a day-long watch must not pile them up
        self.poll_number += 1
        self.phase = "fetching"
        logger.debug("watch: poll %d", self.poll_number)
        for request in self.spider.poll_requests():
            crawler.engine.crawl(request)
