"""Scrapy's downloader with its per-domain cap made to hold, and a way to drop queued requests."""

from __future__ import annotations

from collections.abc import Callable

from scrapy import Request
from scrapy.core.downloader import Downloader, Slot
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.defer import Deferred

from ftl_scraper.fetching.transfer_cap import SharedTransferCap
from ftl_scraper.scrapy_internals import (
    dispatch_within_cap,
    fail_queued_requests,
    wait_for_download_unless_answered,
)


class CrawlStopping(IgnoreRequest):
    """A queued request dropped because the crawl already failed (fail-fast)."""


class FtlDownloader(Downloader):
    """Enforces ``CONCURRENT_REQUESTS_PER_DOMAIN`` exactly, so FTL never sees more requests in
    flight than the cap, while the engine may keep the next requests queued in the slot.

    Scrapy 2.19's own dispatch loop starts the whole slot queue at once when ``DOWNLOAD_DELAY``
    is 0 (see ``scrapy_internals.dispatch_within_cap``; tests/test_downloader_cap.py says when
    this class can go). Queuing in the slot matters for speed: a transfer that ends starts the
    next one at once, instead of waiting for its response to pass the middlewares and the
    engine's next loop.

    With ``FTL_SHARED_TRANSFER_CAP`` set (``FtlClient`` does), a transfer also needs room in that
    cap, which every crawl of the client counts on.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.shared_cap: SharedTransferCap | None = crawler.settings.get("FTL_SHARED_TRANSFER_CAP")
        if self.shared_cap is not None:
            self.shared_cap.subscribe(self._process_all_queues)
        #: once set (the crawl is being stopped), no request is sent any more
        self.stopping = False
        #: transfers under way: each one's task and the deferred its caller waits on
        self._transfers: dict[Request, tuple[Deferred[None], Deferred[Response]]] = {}

    def close(self) -> None:
        if self.shared_cap is not None:
            self.shared_cap.unsubscribe(self._process_all_queues)
        super().close()

    def _process_all_queues(self) -> None:
        for slot in list(self.slots.values()):
            self._process_queue(slot)

    def _process_queue(self, slot: Slot) -> None:
        if self.stopping:
            self.discard_queued_requests()
            return
        take_shared_room = self.shared_cap.try_take if self.shared_cap is not None else None
        dispatch_within_cap(self, slot, take_shared_room, self._transfer_started)

    # Downloader._download (private) is where a transfer ends: the shared cap gets its room back
    async def _download(self, slot: Slot, request: Request) -> Response:
        if self.shared_cap is None:
            return await super()._download(slot, request)
        try:
            return await super()._download(slot, request)
        finally:
            self.shared_cap.release()

    async def _wait_for_download(self, slot: Slot, request: Request, queue_dfd: Deferred[Response]) -> None:
        await wait_for_download_unless_answered(self, slot, request, queue_dfd)

    def _transfer_started(
        self, request: Request, transfer: Deferred[None], queue_dfd: Deferred[Response]
    ) -> None:
        if not transfer.called:
            self._transfers[request] = (transfer, queue_dfd)
            transfer.addBoth(self._transfer_ended, request)

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
        return fail_queued_requests(self, error_for or _never_sent)


def _never_sent(request: Request) -> Exception:
    return CrawlStopping(f"{request.url} was never sent")


def discard_queued_requests(crawler: Crawler, error_for: Callable[[Request], Exception] | None = None) -> int:
    """``FtlDownloader.discard_queued_requests`` for this crawl, if it runs our downloader."""
    downloader = crawler.engine.downloader
    if isinstance(downloader, FtlDownloader):
        return downloader.discard_queued_requests(error_for)
    return 0


def stop_crawl(crawler: Crawler, reason: str) -> None:
    """Close the spider with ``reason``; the requests waiting for a transfer slot never reach FTL."""
    discard_queued_requests(crawler)
    deferred_from_coro(crawler.engine.close_spider_async(reason=reason))


def stop_sending(crawler: Crawler) -> int:
    """``FtlDownloader.stop_sending`` for this crawl, if it runs our downloader."""
    downloader = crawler.engine.downloader
    if isinstance(downloader, FtlDownloader):
        return downloader.stop_sending()
    return 0
