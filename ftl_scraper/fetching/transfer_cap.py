"""One politeness cap shared by every crawl of a client: requests in flight to FTL, all crawls together."""

from __future__ import annotations

from collections.abc import Callable

from ftl_scraper.fetching.shared import SharedAcrossCrawls


class SharedTransferCap(SharedAcrossCrawls):
    """At most ``limit`` transfers in flight across several crawlers of one process.

    Each Scrapy crawler has a downloader of its own, whose per-domain cap counts only its own
    transfers: two crawls at once would send twice the cap. Crawlers of one client share this
    counter instead (``FTL_SHARED_TRANSFER_CAP``).
    """

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError(f"a transfer cap must be at least 1, not {limit}")
        self.limit = limit
        self.in_flight = 0
        #: called when a transfer ends, so a downloader whose queue waits on the cap goes on
        self._on_release: list[Callable[[], None]] = []

    def try_take(self) -> bool:
        if self.in_flight >= self.limit:
            return False
        self.in_flight += 1
        return True

    def release(self) -> None:
        self.in_flight -= 1
        for wake_up in list(self._on_release):
            if self.in_flight >= self.limit:
                break
            wake_up()

    def subscribe(self, wake_up: Callable[[], None]) -> None:
        self._on_release.append(wake_up)

    def unsubscribe(self, wake_up: Callable[[], None]) -> None:
        if wake_up in self._on_release:
            self._on_release.remove(wake_up)
