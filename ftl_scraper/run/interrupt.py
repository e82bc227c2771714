"""Ctrl-C and SIGTERM: stop sending at once, say so in one line; a second signal ends the process."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from scrapy.crawler import Crawler
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import deferred_from_coro

from ftl_scraper.fetching.downloader import stop_sending

#: Signals that stop a crawl: Ctrl-C, and what service managers and `kill` send.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopOnSignal:
    """Replaces Scrapy's handlers (install before ``CrawlerProcess.start(install_signal_handlers=False)``).

    Scrapy's first Ctrl-C logs nothing visible at INFO, keeps sending the queued requests and waits
    for those in flight (up to the download timeout, retries included); its second one stops the
    reactor so abruptly that the crawl reads as "not started". Here the first signal prints one
    line, sends nothing more, abandons the transfers under way and closes the spider; if that has
    not ended the process within ``grace`` seconds, or a second signal comes, ``on_forced_exit``
    reports the stop and the process exits at once. Nothing is written either way: the bundle is
    exported only by a crawl that finished.
    """

    def __init__(
        self,
        crawler_process: Any,
        crawler: Crawler,
        *,
        grace: float,
        on_forced_exit: Callable[[str], None],
    ) -> None:
        self.crawler_process = crawler_process
        self.crawler = crawler
        self.grace = grace
        self.on_forced_exit = on_forced_exit
        #: the name of the signal that stopped the crawl, once one came
        self.signal_name: str | None = None
        #: set when the signal came because the calling process ended (``stop_when_stdin_closes``)
        self.caller_gone = False

    def install(self) -> None:
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._first_signal)

    def _first_signal(self, signum: int, frame: FrameType | None) -> None:
        self.signal_name = signal.Signals(signum).name
        for other in STOP_SIGNALS:
            signal.signal(other, self._second_signal)
        # a signal handler must not log (the interrupted code may hold the stream): one raw write
        _write_stderr(
            f"ftl_scraper: stopping ({self.signal_name}): no new request is sent and nothing is "
            "written; press Ctrl-C again to stop at once\n"
        )
        # the crawl's event loop (Scrapy's asyncio reactor runs on it, or it runs alone without a
        # reactor) runs this in its own turn, outside the signal handler
        asyncio.get_event_loop().call_soon_threadsafe(self._stop_crawl)

    def _second_signal(self, signum: int, frame: FrameType | None) -> None:
        self._force_exit()

    def _stop_crawl(self) -> None:
        with contextlib.suppress(RuntimeError, AttributeError):  # no engine yet: nothing to drop
            stop_sending(self.crawler)
        stopping = self.crawler_process.stop()
        if hasattr(stopping, "__await__"):
            deferred_from_coro(stopping)
        call_later(self.grace, self._force_exit)

    def _force_exit(self) -> None:
        self.on_forced_exit(self.signal_name or "a signal")
        sys.stderr.flush()
        os._exit(1)  # the reactor may be inside a transfer: skip every cleanup that could wait


def stop_when_stdin_closes(interrupt: StopOnSignal) -> None:
    """Stop the crawl as SIGTERM would once standard input reaches its end.

    ``fetch_pools_bundle`` runs the crawl with a pipe as its stdin and never writes to it: the
    pipe closes when the calling process ends, however it ends (even SIGKILL), so the child
    never outlives its parent.
    """

    def wait_for_end_of_input() -> None:
        with contextlib.suppress(OSError, ValueError):
            while sys.stdin.buffer.read(4096):
                pass
        interrupt.caller_gone = True
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=wait_for_end_of_input, name="ftl-parent-watch", daemon=True).start()


def _write_stderr(text: str) -> None:
    with contextlib.suppress(OSError):  # stderr gone (the parent that read it has died)
        os.write(sys.stderr.fileno(), text.encode())
