"""The `pools` spider: which FTL page to fetch next for one pool round, and what failed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

import scrapy
from twisted.python.failure import Failure

from ftl_scraper.items import FailedPage
from ftl_scraper.spiders.arguments import PoolsArguments
from ftl_scraper.spiders.base import PAGE_KIND_META
from ftl_scraper.spiders.pool_round_pages import PoolRoundPagesSpider
from ftl_scraper.watch.polling import PollPlan

if TYPE_CHECKING:
    from ftl_scraper.watch.pipeline import BundleWatcher


class PoolsSpider(PoolRoundPagesSpider):
    """Fetch one pool round: the pool-IDs page, every pool fragment and the results JSON.

    Arguments (``-a``): ``event`` and ``round``, or ``url``; ``force_refresh``; ``partial``;
    ``watch`` (seconds between polls) with ``fencers`` and ``snapshot``.

    In a watch, every poll fetches the pools page (to notice added or removed pools), the pools
    not finished yet, and the results JSON once every pool is finished; the watch pipeline writes
    what changed.
    """

    name = "pools"
    arguments_model: ClassVar[type[PoolsArguments]] = PoolsArguments
    arguments: PoolsArguments

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event_id = self.arguments.event_id
        self.pool_round_id = self.arguments.pool_round_id

    def make_watcher(self) -> BundleWatcher:
        from ftl_scraper.watch.pools_changes import PoolsWatcher

        return PoolsWatcher()

    def poll_requests(self) -> list[scrapy.Request]:
        """The first pages of a crawl, or of a watch's poll (the pools page adds pools it lists anew)."""
        requests, with_results = self.round_poll_requests(self.event_id, self.pool_round_id)
        poller = self.poller
        if poller is not None:
            poller.plan = PollPlan(poller.poll_number, settled=poller.settled, with_results=with_results)
        return requests

    def on_request_failed(self, failure: Failure) -> Iterator[FailedPage]:
        error = self.error_of(failure)
        if error is None:
            return
        request = failure.request  # type: ignore[attr-defined]
        yield from self.round_page_failed(request.meta[PAGE_KIND_META], error, **request.cb_kwargs)

    def error_context(self) -> dict[str, str]:
        return {"event_id": self.event_id, "pool_round_id": self.pool_round_id}
