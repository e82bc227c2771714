"""HTTP cache policy and storage for FTL pages: a short TTL, no errors, no login pages, no secrets."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.extensions.httpcache import DummyPolicy, FilesystemCacheStorage
from scrapy.http import Response
from scrapy.http.headers import Headers

from ftl_scraper.login.login_wall import is_login_wall

# Headers that carry the FTL session or credentials: never written to disk.
SECRET_HEADERS = (b"Cookie", b"Set-Cookie", b"Authorization", b"X-Csrf-Token")


class FtlCachePolicy(DummyPolicy):
    """Scrapy's DummyPolicy (the storage enforces HTTPCACHE_EXPIRATION_SECS), plus:

    - a request with ``meta["force_refresh"]`` skips the cached copy and overwrites it;
    - a login page is never stored, whatever its status (FTL serves it as a 200).
    """

    def should_cache_response(self, response: Response, request: Request) -> bool:
        if not super().should_cache_response(response, request):
            return False
        return not is_login_wall(request, response)

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        return not request.meta.get("force_refresh")

    def is_cached_response_valid(
        self, cachedresponse: Response, response: Response, request: Request
    ) -> bool:
        return False  # a fresh download always replaces the stored copy


class FtlHttpCacheMiddleware(HttpCacheMiddleware):
    """Scrapy's cache middleware, except that a forced refresh never falls back to the stale copy.

    Scrapy answers a download error with the stored copy when it has one that the policy
    called stale (``httpcache/errorrecovery``). With our policy that only happens under
    ``force_refresh``, where the user asked for what FTL says now: old data passed off as
    fresh would be wrong, so the error is retried and reported like any other.
    """

    # without the deprecated ``spider`` argument, as Scrapy 2.14+ calls middleware methods
    def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        if request.meta.get("force_refresh"):
            request.meta.pop("cached_response", None)
            return None
        return super().process_exception(request, exception)


class FtlFilesystemCacheStorage(FilesystemCacheStorage):
    """Scrapy's filesystem storage, with two differences:

    - the session cookie and CSRF token are left out of the stored headers;
    - entries are written by one background thread. Scrapy writes each entry (seven small
      files) on the reactor thread, which holds back every other request and response for
      the few milliseconds of disk I/O per page; the writes finish before the spider closes.
    """

    def open_spider(self, spider: Spider) -> None:
        super().open_spider(spider)
        self._request_fingerprinter = spider.crawler.request_fingerprinter
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ftl-cache-writer")
        self._pending: dict[str, Future[None]] = {}

    def close_spider(self, spider: Spider) -> None:
        self._writer.shutdown(wait=True)
        for write in self._pending.values():
            write.result()  # an error writing the cache surfaces here, not silently
        self._pending.clear()
        super().close_spider(spider)

    def retrieve_response(self, spider: Spider, request: Request) -> Response | None:
        pending = self._pending.get(self._fingerprint(request))
        if pending is not None:
            pending.result()  # read what this crawl is still writing, not a half-written entry
        return super().retrieve_response(spider, request)

    def store_response(self, spider: Spider, request: Request, response: Response) -> None:
        scrubbed_request = request.replace(headers=_without_secrets(request.headers))
        scrubbed_response = response.replace(headers=_without_secrets(response.headers))
        self._pending[self._fingerprint(request)] = self._writer.submit(
            super().store_response, spider, scrubbed_request, scrubbed_response
        )

    def _fingerprint(self, request: Request) -> str:
        return self._request_fingerprinter.fingerprint(request).hex()


def _without_secrets(headers: Headers) -> Headers:
    kept = Headers(headers)
    for name in SECRET_HEADERS:
        kept.pop(name, None)
    return kept
