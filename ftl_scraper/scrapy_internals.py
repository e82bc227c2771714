"""Every use of Scrapy's private API, with why it is needed: a Scrapy upgrade reviews this file only.

Checked against Scrapy 2.19.0 (``SCRAPY_VERSION_CHECKED``); tests/test_scrapy_internals.py fails
on another version, so an upgrade starts with reading each function below against the new source.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from time import monotonic
from types import FrameType, ModuleType
from typing import Any

from scrapy import Request
from scrapy.core.downloader import Downloader, Slot
from scrapy.core.engine import ExecutionEngine
from scrapy.exporters import JsonItemExporter
from scrapy.http import Response
from scrapy.utils import deprecate
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

SCRAPY_VERSION_CHECKED = "2.19.0"

#: Scrapy's private methods that the project's subclasses override, with why (a test checks
#: that the list is whole): on an upgrade, read each against the new source too
OVERRIDDEN_PRIVATE_METHODS = {
    "scrapy.core.downloader.Downloader._process_queue": (
        "FtlDownloader: dispatch through dispatch_within_cap, so the per-domain cap holds"
    ),
    "scrapy.core.downloader.Downloader._download": (
        "FtlDownloader: where a transfer ends, so a cap shared by a client's crawls gets its room back"
    ),
    "scrapy.core.downloader.Downloader._wait_for_download": (
        "FtlDownloader: wait_for_download_unless_answered, so an abandoned transfer is not answered twice"
    ),
    "scrapy.spiderloader.SpiderLoader._load_all_spiders": (
        "FtlSpiderLoader: names the project's spiders without importing every spider module"
    ),
}


def dispatch_within_cap(
    downloader: Downloader,
    slot: Slot,
    take_shared_room: Callable[[], bool] | None = None,
    started: Callable[[Request, Deferred[None], Deferred[Response]], None] | None = None,
) -> None:
    """``Downloader._process_queue`` with the per-domain cap holding (``FtlDownloader``), with
    ``take_shared_room`` (a cap shared with other crawls) asked before each transfer, and
    ``started`` told of each transfer it starts.

    Scrapy 2.19 starts each transfer in a task and counts it as transferring only once that task
    runs, so its loop reads a stale count and starts the whole slot queue at once when
    ``DOWNLOAD_DELAY`` is 0 (tests/test_downloader_cap.py shows it on stock Scrapy). Marking the
    request as transferring before its task is scheduled is the one-line difference. Private:
    ``Slot.queue``/``transferring``/``latercall``/``lastseen``, ``Downloader._latercall`` and
    ``_wait_for_download``. ``started`` is told of each transfer: its task and the deferred its
    caller waits on.
    """
    if slot.latercall:
        return  # a delayed run of this method is already scheduled
    now = monotonic()
    delay = slot.download_delay()
    if delay:
        penalty = delay - now + slot.lastseen
        if penalty > 0:
            slot.latercall = call_later(penalty, downloader._latercall, slot)
            return
    while slot.queue and slot.free_transfer_slots() > 0:
        if take_shared_room is not None and not take_shared_room():
            return  # the shared cap dispatches again when another crawl's transfer ends
        slot.lastseen = now
        request, queue_dfd = slot.queue.popleft()
        slot.transferring.add(request)  # counted now, not when the task first runs
        transfer = deferred_from_coro(downloader._wait_for_download(slot, request, queue_dfd))
        if started is not None:
            started(request, transfer, queue_dfd)
        if delay:
            dispatch_within_cap(downloader, slot, take_shared_room, started)
            break


async def wait_for_download_unless_answered(
    downloader: Downloader, slot: Slot, request: Request, queue_dfd: Deferred[Response]
) -> None:
    """``Downloader._wait_for_download``, except that a caller answered already (a transfer
    abandoned on Ctrl-C, see ``FtlDownloader.stop_sending``) is not answered twice. Private:
    ``Downloader._download`` and the queue's Deferreds."""
    try:
        response = await downloader._download(slot, request)
    except Exception:
        if not queue_dfd.called:
            queue_dfd.errback(Failure())
    else:
        if not queue_dfd.called:
            queue_dfd.callback(response)


def fail_queued_requests(downloader: Downloader, error_for: Callable[[Request], Exception]) -> int:
    """Fail every request waiting in a download slot's queue; returns how many.

    Scrapy has no public way to drop requests that already passed the downloader middlewares'
    ``process_request`` and wait for a transfer slot (fail-fast and the circuit breaker need it).
    Private: ``Downloader.slots``, ``Slot.queue`` and the queue's Deferreds.
    """
    discarded = 0
    for slot in downloader.slots.values():
        while slot.queue:
            request, queue_dfd = slot.queue.popleft()
            queue_dfd.errback(error_for(request))
            discarded += 1
    return discarded


def engine_is_closing(engine: ExecutionEngine) -> bool:
    """True once ``close_spider`` has started. Scrapy has no public "spider is closing" flag;
    the engine slot's ``closing`` is set as soon as closing starts. Private: ``ExecutionEngine._slot``."""
    slot = getattr(engine, "_slot", None)
    return slot is not None and getattr(slot, "closing", None) is not None


def begin_json_item(exporter: JsonItemExporter) -> None:
    """Write what ``JsonItemExporter`` writes before an item (the comma and newline after the
    first), for an exporter that encodes the item itself. Private:
    ``JsonItemExporter._add_comma_after_first``."""
    exporter._add_comma_after_first()


class _InspectFramesOnly:
    """``inspect`` as ``scrapy.utils.deprecate`` sees it, finding a frame's module without a search.

    ``create_deprecated_class`` names the module that defines each deprecated alias with
    ``inspect.getmodule(inspect.stack()[1][0])``. Both look for source files: ``stack()`` for
    every frame on the stack, ``getmodule`` by going through every loaded module the first
    time. Importing Scrapy's HTTP/1.1 download handler makes three such aliases, which cost
    about 80 ms of a 0.6 s crawl start on this kind of machine. A frame knows its module's name
    (``f_globals["__name__"]``): here ``stack()`` gives the frames alone and ``getmodule`` reads
    a frame's module from them, the same module at once.
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(inspect, name)

    @staticmethod
    def stack(context: int = 1) -> list[tuple[FrameType]]:
        entries = []
        frame: FrameType | None = sys._getframe(1)
        while frame is not None:
            entries.append((frame,))
            frame = frame.f_back
        return entries

    @staticmethod
    def getmodule(thing: object, filename: str | None = None) -> ModuleType | None:
        if isinstance(thing, FrameType):
            return sys.modules.get(thing.f_globals.get("__name__", ""))
        return inspect.getmodule(thing, filename)


def make_deprecated_aliases_cheap() -> None:
    """Give ``scrapy.utils.deprecate`` the ``inspect`` above; before Scrapy's download handlers
    are imported (``FtlAddon`` does it for every crawl). Private: the module's ``inspect`` name."""
    if not isinstance(deprecate.inspect, _InspectFramesOnly):
        deprecate.inspect = _InspectFramesOnly()  # type: ignore[assignment]
