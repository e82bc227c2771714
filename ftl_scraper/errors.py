"""The project's exception hierarchy; every message names the event, round, pool and URL involved."""

from __future__ import annotations

from typing import Any, ClassVar, Self


class FtlError(Exception):
    """Base of every error ftl_scraper raises on purpose.

    The context (event, round, pool, URL) is kept as attributes so callers can
    act on it, and rendered into ``str(error)`` as one line for people.
    """

    #: short name used in CLI messages and in a partial bundle's ``errors``
    kind: ClassVar[str] = "error"

    def __init__(
        self,
        message: str,
        *,
        event_id: str | None = None,
        pool_round_id: str | None = None,
        pool_id: str | None = None,
        url: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.event_id = event_id
        self.pool_round_id = pool_round_id
        self.pool_id = pool_id
        self.url = url

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
            )
            if value
        ]
        if self.url:
            where.append(self.url)
        return f"{self.message} ({', '.join(where)})" if where else self.message

    def __reduce__(self) -> tuple[Any, ...]:
        # keep the context when the error crosses a process boundary (pickling)
        return (_rebuild, (type(self), self.message, self.__dict__))


def _rebuild(cls: type[FtlError], message: str, state: dict[str, Any]) -> FtlError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class InvalidArgumentError(FtlError, ValueError):
    """A spider argument (event, round, url, ...) is missing or malformed."""

    kind = "invalid-argument"


class ParseError(FtlError):
    """A page or JSON document did not have the shape FTL serves."""

    kind = "parse-error"


class PoolIdsParseError(ParseError):
    """The pools page held no pool IDs (not a pools page, or not published yet)."""


class PoolParseError(ParseError):
    """A pool fragment could not be read."""


class ResultsParseError(ParseError):
    """The pool results JSON could not be read."""


class FetchError(FtlError):
    """A page could not be fetched, after retries."""

    kind = "fetch-error"


class HttpStatusError(FetchError):
    """FTL answered with an error status."""

    def __init__(self, message: str, *, status: int, **context: Any) -> None:
        super().__init__(message, **context)
        self.status = status


class HostUnavailableError(FetchError):
    """Too many consecutive failures: FTL is not answering."""

    kind = "host-unavailable"


class LoginRequiredError(FtlError):
    """FTL answered with its login page instead of data."""

    kind = "login-required"


class LoginRefusedError(FtlError):
    """FTL refused the credentials or the session cookie."""

    kind = "login-refused"


class CassetteMissError(FtlError):
    """Replay mode met a request that the cassette does not hold."""

    kind = "cassette-miss"


class OutputError(FtlError):
    """The bundle could not be stored where the user asked (a path, stdout), or not in that format."""

    kind = "output-error"
