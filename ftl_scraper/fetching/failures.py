"""Turn what Scrapy hands an errback (a Twisted Failure) into the project's own error."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionDone, ConnectionLost
from twisted.python.failure import Failure
from twisted.web.client import ResponseFailed, ResponseNeverReceived

from ftl_scraper.errors import FetchError, FtlError, HttpStatusError

# what Scrapy and Twisted raise when the server drops or resets the connection mid-exchange
_CONNECTION_DROPPED = (
    DownloadFailedError,
    ResponseDataLossError,
    ConnectionDone,
    ConnectionLost,
    ResponseFailed,
    ResponseNeverReceived,
)


def error_from_failure(failure: Failure, *, url: str, timeout: float | None = None) -> FtlError:
    """The project's error for a request that finally failed, with the cause in words."""
    exception = failure.value
    if isinstance(exception, FtlError):
        return exception.with_context(url=url)
    if isinstance(exception, HttpError):
        status = exception.response.status
        return HttpStatusError(f"FTL answered HTTP {status}", status=status, url=url)
    if isinstance(exception, DownloadTimeoutError):
        took = f" after {timeout:g} s" if timeout else ""
        return FetchError(f"FTL did not answer in time{took}", url=url)
    if isinstance(exception, DownloadConnectionRefusedError):
        return FetchError("connection refused", url=url)
    if isinstance(exception, CannotResolveHostError):
        return FetchError("host name could not be resolved", url=url)
    if isinstance(exception, _CONNECTION_DROPPED):
        return FetchError("FTL closed the connection before answering", url=url)
    if isinstance(exception, IgnoreRequest):
        return FetchError(f"request dropped: {exception}", url=url)
    cause = type(exception).__name__
    detail = str(exception).strip()
    return FetchError(f"download failed: {cause}{': ' + detail if detail else ''}", url=url)
