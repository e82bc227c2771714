"""Stop talking to FTL after N failed attempts in a row: it is down, and retrying every pool won't help."""

from __future__ import annotations

import logging
from typing import Self

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached
from twisted.python.failure import Failure

from ftl_scraper.distributed.units import is_unit_opener
from ftl_scraper.errors import FtlError, HostUnavailableError
from ftl_scraper.fetching.downloader import discard_queued_requests
from ftl_scraper.fetching.failures import error_from_failure

logger = logging.getLogger(__name__)

#: Signal: close the circuit again (a watch sends it when its pause after an outage is over).
circuit_breaker_reset = object()


def is_host_failure(status: int) -> bool:
    """A status that says the host is not serving (overloaded, down, or asking us to back off).

    A 404 or a login redirect is an answer: FTL is up, so it resets the count.
    """
    return status >= 500 or status == 429


class CircuitBreakerMiddleware:
    """Counts consecutive failed attempts (5xx, 429, timeouts, resets, refused connections)
    against FTL; at ``FTL_CIRCUIT_BREAKER_THRESHOLD`` the attempt that made the count, and every
    later request, fails with ``HostUnavailableError`` instead of going out.

    It sits closest to the network (after the cache), so it counts exactly the attempts that
    reached FTL, each retry included, and a cache hit neither counts nor resets.
    """

    def __init__(self, crawler: Crawler, threshold: int) -> None:
        self.crawler = crawler
        self.threshold = threshold
        self.consecutive_failures = 0
        self.last_cause: str | None = None
        self.open = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        threshold = crawler.settings.getint("FTL_CIRCUIT_BREAKER_THRESHOLD")
        if threshold <= 0:
            raise NotConfigured("FTL_CIRCUIT_BREAKER_THRESHOLD is 0: circuit breaker off")
        breaker = cls(crawler, threshold)
        # Counted as the response arrives, before the downloader hands the freed transfer slot
        # to the next queued request: once open, that request never goes out.
        crawler.signals.connect(breaker.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(breaker.reset, signal=circuit_breaker_reset)
        return breaker

    def reset(self) -> None:
        """Let requests through again; the count starts over, so a host still down trips it again."""
        self.open = False
        self.consecutive_failures = 0

    def process_request(self, request: Request) -> None:
        if self.open and not is_unit_opener(request):
            self.crawler.stats.inc_value("ftl/circuit_breaker/refused")
            raise self._error(request)

    def response_downloaded(self, response: Response, request: Request) -> None:
        if is_unit_opener(request):
            return  # answered in-process: says nothing of FTL's health
        if is_host_failure(response.status):
            self._count_failure(f"HTTP {response.status}")
        elif not self.open:
            self.consecutive_failures = 0

    def process_response(self, request: Request, response: Response) -> Response:
        if self.open and "cached" not in response.flags and is_host_failure(response.status):
            raise self._error(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        # our own errors (this breaker, login wall) and refusals are not FTL failing
        if isinstance(exception, (FtlError, IgnoreRequest)):
            return
        # the same words the final error would use ("connection refused", "did not answer in time")
        self._count_failure(error_from_failure(Failure(exception), url=request.url).message)
        if self.open:
            raise self._error(request)

    def _count_failure(self, cause: str) -> None:
        if self.open:
            return  # the failures that tripped it are the ones its error names; late answers add none
        self.consecutive_failures += 1
        self.last_cause = cause
        if self.consecutive_failures < self.threshold:
            return
        self.open = True
        self.crawler.stats.set_value("ftl/circuit_breaker/tripped", 1)
        # requests queued for a transfer slot have passed process_request: stop them too
        discard_queued_requests(self.crawler, self._error)

    def _error(self, request: Request) -> HostUnavailableError:
        host = urlparse_cached(request).netloc
        return HostUnavailableError(
            f"FTL is not answering: {self.consecutive_failures} failed attempts in a row "
            f"from {host} (last: {self.last_cause}); stopped instead of retrying every page",
            url=request.url,
        )
