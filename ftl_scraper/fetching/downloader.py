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
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure


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
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        #: once set (the crawl is being stopped), no request is sent any more
        self.stopping = False
        #: transfers under way: each one's task and the deferred its caller waits on
        self._transfers: dict[Request, tuple[Deferred[None], Deferred[Response]]] = {}

    def _process_queue(self, slot: Slot) -> None:
        if self.stopping:
            self.discard_queued_requests()
            return
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
            slot.lastseen = now
            request, queue_dfd = slot.queue.popleft()
            slot.transferring.add(request)  # counted now, not when the task first runs
            transfer = deferred_from_coro(self._wait_for_download(slot, request, queue_dfd))
            if not transfer.called:
                self._transfers[request] = (transfer, queue_dfd)
                transfer.addBoth(self._transfer_ended, request)
            if delay:
                self._process_queue(slot)
                break

    async def _wait_for_download(self, slot: Slot, request: Request, queue_dfd: Deferred[Response]) -> None:
        # as Scrapy's, except that an abandoned transfer has answered its caller already
        try:
            response = await self._download(slot, request)
        except Exception:
            if not queue_dfd.called:
                queue_dfd.errback(Failure())
        else:
            if not queue_dfd.called:
                queue_dfd.callback(response)

    def _transfer_ended(self, result: object, request: Request) -> None:
        self._transfers.pop(request, None)
        # an abandoned transfer ends cancelled: that is expected, not an error to report

    def stop_sending(self) -> int:
        """Send nothing more, and abandon the transfers under way (Ctrl-C, SIGTERM).

        Scrapy's graceful stop waits for every request already queued or in flight, up to its
        download timeout and retries: seconds of FTL traffic nobody will read. Each abandoned
        request fails with ``CrawlStopping``; returns how many were dropped in all.
        """
        self.stopping = True
        dropped = self.discard_queued_requests()
        for request, (transfer, queue_dfd) in list(self._transfers.items()):
            if not queue_dfd.called:
                queue_dfd.errback(CrawlStopping(f"{request.url} was abandoned"))
            transfer.cancel()
            dropped += 1
        return dropped

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


def stop_sending(crawler: Crawler) -> int:
    """``FtlDownloader.stop_sending`` for this crawl, if it runs our downloader."""
    downloader = crawler.engine.downloader
    if isinstance(downloader, FtlDownloader):
        return downloader.stop_sending()
    return 0
