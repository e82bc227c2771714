"""Scrapy's downloader with its per-domain cap made to hold, and a way to drop queued requests."""

from __future__ import annotations

from collections.abc import Callable
from time import monotonic

from scrapy import Request
from scrapy.core.downloader import Downloader, Slot
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import deferred_from_coro

from ftl_scraper.fetching.transfer_cap import SharedTransferCap


class CrawlStopping(IgnoreRequest):
    """A queued request dropped because the crawl already failed (fail-fast)."""


class FtlDownloader(Downloader):
    """Enforces ``CONCURRENT_REQUESTS_PER_DOMAIN`` exactly, so FTL never sees more requests in
    flight than the cap, while the engine may keep the next requests queued in the slot.

    Scrapy 2.19 starts each transfer in a task and counts it as transferring only once that task
    runs; its dispatch loop therefore reads a stale count and starts the whole slot queue at once
    whenever ``DOWNLOAD_DELAY`` is 0 (no upstream fix in 2.19). Marking the request as transferring
    before its task is scheduled is the one-line difference from ``Downloader._process_queue``.
    Queuing in the slot matters for speed: a transfer that ends starts the next one at once,
    instead of waiting for its response to pass the middlewares and the engine's next loop.

    With ``FTL_SHARED_TRANSFER_CAP`` set (``FtlClient`` does), a transfer also needs room in that
    cap, which every crawl of the client counts on.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.shared_cap: SharedTransferCap | None = crawler.settings.get("FTL_SHARED_TRANSFER_CAP")
        if self.shared_cap is not None:
            self.shared_cap.subscribe(self._process_all_queues)

    def close(self) -> None:
        if self.shared_cap is not None:
            self.shared_cap.unsubscribe(self._process_all_queues)
        super().close()

    def _process_all_queues(self) -> None:
        for slot in list(self.slots.values()):
            self._process_queue(slot)

    def _process_queue(self, slot: Slot) -> None:
        if slot.latercall:
            return  # a delayed run of this method is already scheduled
        now = monotonic()
        delay = slot.download_delay()
        if delay:
            penalty = delay - now + slot.lastseen
            if penalty > 0:
                slot.latercall = call_later(penalty, self._latercall, slot)
                return
        while slot.queue and slot.free_transfer_slots() > 0:
            if self.shared_cap is not None and not self.shared_cap.try_take():
                return  # the cap calls _process_all_queues when another crawl's transfer ends
            slot.lastseen = now
            request, queue_dfd = slot.queue.popleft()
            slot.transferring.add(request)  # counted now, not when the task first runs
            deferred_from_coro(self._wait_for_download(slot, request, queue_dfd))
            if delay:
                self._process_queue(slot)
                break

    async def _download(self, slot: Slot, request: Request) -> Response:
        if self.shared_cap is None:
            return await super()._download(slot, request)
        try:
            return await super()._download(slot, request)
        finally:
            self.shared_cap.release()

    def discard_queued_requests(self, error_for: Callable[[Request], Exception] | None = None) -> int:
        """Fail every request still waiting for a transfer slot, so none of them reaches FTL.

        Each fails with ``error_for(request)``, by default ``CrawlStopping``.
        """
        discarded = 0
        for slot in self.slots.values():
            while slot.queue:
                request, queue_dfd = slot.queue.popleft()
                error = error_for(request) if error_for else CrawlStopping(f"{request.url} was never sent")
                queue_dfd.errback(error)
                discarded += 1
        return discarded


def discard_queued_requests(crawler: Crawler, error_for: Callable[[Request], Exception] | None = None) -> int:
    """``FtlDownloader.discard_queued_requests`` for this crawl, if it runs our downloader."""
    downloader = crawler.engine.downloader
    if isinstance(downloader, FtlDownloader):
        return downloader.discard_queued_requests(error_for)
    return 0
