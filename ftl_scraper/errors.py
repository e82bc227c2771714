"""The project's exception hierarchy; every message names the event, round, pool, tree and URL involved."""

from __future__ import annotations

from typing import Any, Self


class FtlError(Exception):
    """Base of every error ftl_scraper raises on purpose.

    The context (event, round, pool, URL) is kept as attributes so callers can
    act on it, and rendered into ``str(error)`` as one line for people.
    """

    def __init__(
        self,
        message: str,
        *,
        event_id: str | None = None,
        pool_round_id: str | None = None,
        pool_id: str | None = None,
        url: str | None = None,
        tableau_id: str | None = None,
        tree_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.event_id = event_id
        self.pool_round_id = pool_round_id
        self.pool_id = pool_id
        self.url = url
        self.tableau_id = tableau_id
        self.tree_id = tree_id

    def with_context(self, **context: Any) -> Self:
        """Fill in context the raiser did not know (e.g. the URL a parser never sees)."""
        for name, value in context.items():
            if getattr(self, name) is None:
                setattr(self, name, value)
        return self

    def __str__(self) -> str:
        where = [
            f"{label} {value}"
            for label, value in (
                ("event", self.event_id),
                ("round", self.pool_round_id),
                ("pool", self.pool_id),
                ("tableau", self.tableau_id),
                ("tree", self.tree_id),
            )
            if value
        ]
        if self.url:
            where.append(self.url)
        return f"{self.message} ({', '.join(where)})" if where else self.message


class InvalidArgumentError(FtlError, ValueError):
    """A spider argument (event, round, url, ...) is missing or malformed."""


class InvalidSettingError(InvalidArgumentError):
    """A setting (``FTL_*`` or a Scrapy setting the project relies on) holds a value it cannot use."""


class ParseError(FtlError):
    """A page or JSON document did not have the shape FTL serves."""


class PoolIdsParseError(ParseError):
    """The pools page held no pool IDs (not a pools page, or not published yet)."""


class PoolParseError(ParseError):
    """A pool fragment could not be read."""


class ResultsParseError(ParseError):
    """The pool results JSON could not be read."""


class ScheduleParseError(ParseError):
    """A tournament's schedule page could not be read."""


class EventPageParseError(ParseError):
    """An event page (its header and tab bar) could not be read."""


class FinalResultsParseError(ParseError):
    """An event's final results JSON could not be read."""


class TableauTreesParseError(ParseError):
    """The tableau's list of trees (JSON) could not be read."""


class TableauParseError(ParseError):
    """One tree's columns (the tables fragment) could not be read."""


class FetchError(FtlError):
    """A page could not be fetched, after retries."""


class HttpStatusError(FetchError):
    """FTL answered with an error status."""

    def __init__(self, message: str, *, status: int, **context: Any) -> None:
        super().__init__(message, **context)
        self.status = status


class HostUnavailableError(FetchError):
    """Too many consecutive failures: FTL is not answering."""


class LoginRequiredError(FtlError):
    """FTL answered with its login page instead of data."""


class LoginRefusedError(FtlError):
    """FTL refused the credentials or the session cookie."""


class CassetteMissError(FtlError):
    """Replay mode met a request that the cassette does not hold."""


class CassetteFormatError(FtlError):
    """A cassette folder whose index cannot be read (hand-edited, or from a newer version)."""


class CrawlTimeoutError(FetchError):
    """A whole crawl took longer than the ``timeout=`` its caller gave, and was stopped."""


class ReactorUnavailableError(FtlError):
    """No in-process crawl is possible here: another Twisted reactor runs in this process."""


class OutputError(FtlError):
    """The bundle could not be stored where the user asked (a path, stdout), or not in that format."""
