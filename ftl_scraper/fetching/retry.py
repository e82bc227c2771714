"""Retry with exponential backoff and jitter, honouring ``Retry-After``, without blocking other requests.

Scrapy's RetryMiddleware re-sends a failed request at once (scrapy/scrapy#802, #3849): three
attempts a few milliseconds apart do not help a server that is briefly overloaded.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import sleep

from ftl_scraper.errors import HttpStatusError
from ftl_scraper.scrapy_internals import engine_is_closing

logger = logging.getLogger(__name__)

#: statuses whose ``Retry-After`` header is read (RFC 9110 §10.2.3 names 503; 429 is RFC 6585)
RETRY_AFTER_STATUSES = frozenset({429, 503})
# how often a sleeping retry checks whether the crawl is being closed
_STOP_CHECK_INTERVAL = 0.05


@dataclass(frozen=True)
class Backoff:
    """Delay before retry number ``n`` (1 = first retry): ``base * 2**(n-1) + U(0, base)``, capped.

    The jitter spreads out retries of pools that failed together, so they do not come back
    to FTL in one burst.
    """

    base: float
    cap: float
    rng: random.Random

    def delay(self, retry_number: int) -> float:
        exponential = self.base * 2 ** (retry_number - 1)
        return min(exponential + self.rng.uniform(0, self.base), self.cap)


def parse_retry_after(value: bytes | str | None, *, now: datetime | None = None) -> float | None:
    """Seconds asked for by a ``Retry-After`` header (delay-seconds or HTTP-date), else None."""
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None  # unreadable: fall back to our own backoff
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware (RETRY_TIMES, RETRY_HTTP_CODES, RETRY_EXCEPTIONS, meta keys),
    plus a non-blocking wait before each retry.

    The wait is an ``await`` inside the middleware: the request's download slot is already
    released, so other pages keep downloading meanwhile. A ``Retry-After`` longer than our
    backoff is honoured up to ``FTL_RETRY_AFTER_MAX``; a longer one fails the page at once
    rather than stalling the crawl.
    """

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        seed = settings.get("FTL_RETRY_JITTER_SEED")
        self.backoff = Backoff(
            base=settings.getfloat("FTL_RETRY_BACKOFF_BASE"),
            cap=settings.getfloat("FTL_RETRY_BACKOFF_MAX"),
            # seeded only in tests, so that their retry gaps are reproducible
            rng=random.Random(None if seed in (None, "") else int(seed)),
        )
        self.retry_after_max = settings.getfloat("FTL_RETRY_AFTER_MAX")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        return middleware

    # Coroutine methods without ``spider`` are how Scrapy 2.14+ wants middleware methods; the
    # parent's sync signature (with the deprecated ``spider``) is what mypy compares against.
    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry_after = None
        if response.status in RETRY_AFTER_STATUSES:
            retry_after = parse_retry_after(response.headers.get(b"Retry-After"))
        if retry_after is not None and retry_after > self.retry_after_max:
            raise HttpStatusError(
                f"FTL answered HTTP {response.status} and asked us to wait {retry_after:g} s "
                f"before retrying (Retry-After), longer than FTL_RETRY_AFTER_MAX "
                f"({self.retry_after_max:g} s)",
                status=response.status,
                url=request.url,
            )
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await self._wait_before(result, retry_after)
        return result

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._wait_before(result, None)
        return result

    def delay_for(self, retry_request: Request, retry_after: float | None) -> float:
        """The wait before sending ``retry_request`` (its ``retry_times`` meta is 1 on the first retry)."""
        delay = self.backoff.delay(retry_request.meta["retry_times"])
        if retry_after is not None:
            delay = max(delay, retry_after)
        return delay

    async def _wait_before(self, retry_request: Request, retry_after: float | None) -> None:
        delay = self.delay_for(retry_request, retry_after)
        stats = self.crawler.stats
        stats.set_value("retry/backoff_seconds", stats.get_value("retry/backoff_seconds", 0.0) + delay)
        logger.debug(
            "Waiting %.2f s before retry %d of %s%s",
            delay,
            retry_request.meta["retry_times"],
            retry_request.url,
            f" (Retry-After: {retry_after:g} s)" if retry_after is not None else "",
        )
        # Wait in short slices: once the spider is closing (fail-fast), a retry would never
        # be sent, and the engine waits for this request before it can finish closing.
        deadline = time.monotonic() + delay
        while (remaining := deadline - time.monotonic()) > 0 and not self._crawl_is_stopping():
            await sleep(min(remaining, _STOP_CHECK_INTERVAL))

    def _crawl_is_stopping(self) -> bool:
        engine = self.crawler.engine
        if engine is None or not engine.running:
            return True
        return engine_is_closing(engine)
