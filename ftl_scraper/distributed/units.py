"""The spider side of a shared crawl: hand out a piece of the crawl as one unit of work."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from ftl_scraper.distributed.checks import is_shared_crawl

#: meta key naming the unit a request starts (e.g. "event <ID>"); set by the spider
UNIT_META = "ftl_unit"
#: meta key the scheduler sets on a unit's first request once a worker has claimed it, so a retry
#: or a re-sent request of it (which copy the meta) stays with that worker
CLAIMED_META = "ftl_unit_claimed"
# The unit's opener carries no network traffic: Scrapy's data: handler answers it in-process.
_OPENER_URL = "data:,"


def is_unit_opener(request: scrapy.Request) -> bool:
    """A unit's opener reaches no host, so the middlewares that stand for FTL (host guard,
    cassette, circuit breaker, host slots) let it pass as it is."""
    return request.url == _OPENER_URL


class UnitsOfWork(scrapy.Spider):
    """For spiders whose crawl splits into units that one worker assembles whole (a tournament's
    events). In a shared crawl (``FTL_SCHEDULER=redis``) a unit travels through the shared queue
    as one opener request; the worker that claims it runs the unit's method there, so all of the
    unit's items and pages are that worker's. Otherwise the method runs at once, as a plain call.
    """

    def unit_of_work(
        self, name: str, method: str, *, errback: Callable[[Failure], Any], **kwargs: Any
    ) -> Iterator[Any]:
        """What ``getattr(self, method)(**kwargs)`` yields, as unit ``name`` in a shared crawl;
        ``errback`` (a spider method) records an opener that failed, so the unit is not lost
        without a word."""
        if not is_shared_crawl(self.settings):
            yield from getattr(self, method)(**kwargs)
            return
        yield scrapy.Request(
            _OPENER_URL,
            callback=self.open_unit,
            errback=errback,
            # a spider method and plain values: the shared queue stores requests pickled
            cb_kwargs={"method": method, "kwargs": kwargs},
            meta={UNIT_META: name, "dont_cache": True},
            dont_filter=True,
        )

    def open_unit(self, response: Response, method: str, kwargs: dict[str, Any]) -> Iterator[Any]:
        yield from getattr(self, method)(**kwargs)
