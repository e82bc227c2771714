"""How a finished crawl went, in one place for the CLI's exit status and the Python API."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ftl_scraper import errors
from ftl_scraper.errors import FtlError
from ftl_scraper.output.feeds import output_error

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class ExitStatus(enum.IntEnum):
    """Exit status of ``scrapy crawl`` (documented in the README)."""

    OK = 0
    # pools: nothing written (a page failed, fail-fast); event, tournament: not every bundle was
    # written (the schedule or FTL itself failed); any crawl: it was stopped, or its output could
    # not be stored
    FAILED = 1
    USAGE = 2  # bad command line or spider argument; no request made
    # every bundle was written, some with "complete": false (pools: partial mode; event,
    # tournament: some event had failed pages, the others are whole)
    PARTIAL = 3


@dataclass
class CrawlOutcome:
    status: ExitStatus
    errors: list[FtlError] = field(default_factory=list)

    @property
    def headline(self) -> str:
        """One line for people: the first (root) cause, and how many more there were."""
        if not self.errors:
            return "crawl succeeded"
        more = len({str(error) for error in self.errors}) - 1
        suffix = f" (and {more} more error{'s' * (more > 1)})" if more else ""
        return f"{self.errors[0]}{suffix}"

    def to_json(self) -> dict[str, Any]:
        return {
            "status": int(self.status),
            "errors": [
                {"type": type(error).__name__, "message": error.message, **_context(error)}
                for error in self.errors
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CrawlOutcome:
        return cls(
            status=ExitStatus(data["status"]),
            errors=[_error_from_json(entry) for entry in data["errors"]],
        )

    def write(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json()), encoding="utf-8")


def crawl_outcome(crawler: Crawler) -> CrawlOutcome:
    """Judge a crawl once ``CrawlerProcess.start()`` has returned.

    A crawl succeeded when it finished and exported the bundles its spider expected: one for
    ``pools`` and ``event``, one per selected event for ``tournament`` (``expected_item_count``,
    None while unknown).
    """
    stats = crawler.stats.get_stats()
    spider_errors: list[FtlError] = list(getattr(crawler.spider, "errors", []))
    if getattr(crawler.spider, "poller", None) is not None:
        return _watch_outcome(stats, spider_errors)
    exported = stats.get("item_scraped_count", 0)
    unstored = output_error(stats)
    if unstored is not None:
        # a bundle that did not reach its output is no success, whatever the crawl got
        return CrawlOutcome(ExitStatus.FAILED, [unstored, *spider_errors])
    # a worker of a shared crawl exports the units it assembled, any number of them (even none)
    shared = "ftl/shared/units_claimed" in stats
    expected = getattr(crawler.spider, "expected_item_count", 1)
    done = shared or (expected is not None and exported == expected)
    if stats.get("finish_reason") == "finished" and done:
        return CrawlOutcome(ExitStatus.PARTIAL if spider_errors else ExitStatus.OK, spider_errors)
    if not spider_errors:
        reason = stats.get("finish_reason", "not started")
        if stats.get("spider_exceptions/count"):
            reason = f"{reason}, with {stats['spider_exceptions/count']} spider exception(s)"
        wanted = f" of {expected}" if expected is not None and expected != 1 else ""
        what = f"{exported}{wanted} bundles" if exported else "no bundle"
        spider_errors = [FtlError(f"the crawl produced {what} ({reason})")]
    return CrawlOutcome(ExitStatus.FAILED, spider_errors)


def _watch_outcome(stats: dict[str, Any], spider_errors: list[FtlError]) -> CrawlOutcome:
    """A watch ends well when the round is over ("finished") or when it is stopped by Ctrl-C or
    SIGTERM ("shutdown"): every line it saw is written. Lines that could not be written fail it.
    A page that failed a later poll was only read again; what ends a watch otherwise (a first
    poll that failed, a refused login) fails it."""
    unstored = output_error(stats)
    if unstored is not None:
        return CrawlOutcome(ExitStatus.FAILED, [unstored, *spider_errors])
    reason = stats.get("finish_reason", "not started")
    if reason in ("finished", "shutdown"):
        return CrawlOutcome(ExitStatus.OK)
    return CrawlOutcome(ExitStatus.FAILED, spider_errors or [FtlError(f"the watch stopped ({reason})")])


def interrupted_outcome(signal_name: str) -> CrawlOutcome:
    """A crawl stopped by Ctrl-C or SIGTERM: a failure, whatever it had fetched."""
    return CrawlOutcome(
        ExitStatus.FAILED, [FtlError(f"stopped by {signal_name} before the crawl finished; nothing written")]
    )


def _context(error: FtlError) -> dict[str, Any]:
    context = {
        name: getattr(error, name)
        for name in ("event_id", "pool_round_id", "pool_id", "url", "tableau_id", "tree_id")
    }
    if isinstance(error, errors.HttpStatusError):
        context["status"] = error.status
    return context


def _error_from_json(entry: dict[str, Any]) -> FtlError:
    error_class = getattr(errors, entry.pop("type"), FtlError)
    if not (isinstance(error_class, type) and issubclass(error_class, FtlError)):
        error_class = FtlError
    message = entry.pop("message")
    if issubclass(error_class, errors.HttpStatusError):
        return error_class(message, **entry)
    entry.pop("status", None)
    return error_class(message, **entry)
