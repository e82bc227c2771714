"""HTTP cache policy and storage for FTL pages: a short TTL, no errors, no login pages, no secrets."""

from __future__ import annotations

import errno
import gzip
import logging
import os
import pickle
import shutil
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.extensions.httpcache import DummyPolicy, FilesystemCacheStorage
from scrapy.http import Response
from scrapy.http.headers import Headers
from scrapy.utils.python import to_bytes
from scrapy.utils.response import response_from_dict
from w3lib.http import headers_dict_to_raw, headers_raw_to_dict

from ftl_scraper.login.login_wall import is_login_wall

logger = logging.getLogger(__name__)

# os.O_DIRECTORY is POSIX-only; elsewhere opening the folder plainly is the best available
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)

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
    """Scrapy's filesystem storage (same layout), made safe for several crawls on one folder:

    - an entry is written whole in a staging folder and renamed into place, and read through one
      open handle on its folder, so a reader gets an old entry or a new one, never half of each
      (Scrapy rewrites the seven files of an entry in place, one after the other);
    - an entry that vanishes while it is read (another crawl replacing it) is a miss;
    - a cache folder that cannot be written turns caching off for the crawl, with one warning;
    - the session cookie and CSRF token are left out of the stored headers;
    - entries are written by one background thread. Scrapy writes each entry on the reactor
      thread, which holds back every other request and response for the few milliseconds of
      disk I/O per page; the writes finish before the spider closes.
    """

    def open_spider(self, spider: Spider) -> None:
        super().open_spider(spider)
        self._request_fingerprinter = spider.crawler.request_fingerprinter
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ftl-cache-writer")
        self._pending: dict[str, Future[None]] = {}
        self._spider_name = spider.name
        self.enabled = self._check_writable()

    def close_spider(self, spider: Spider) -> None:
        self._writer.shutdown(wait=True)
        self._pending.clear()
        super().close_spider(spider)

    def retrieve_response(self, spider: Spider, request: Request) -> Response | None:
        if not self.enabled:
            return None
        pending = self._pending.get(self._fingerprint(request))
        if pending is not None:
            pending.result()  # read what this crawl is still writing, not a half-written entry
        try:
            return self._read_entry(request)
        except (OSError, EOFError, pickle.UnpicklingError):
            return None  # gone, or being replaced by another crawl: fetch the page instead

    def store_response(self, spider: Spider, request: Request, response: Response) -> None:
        if not self.enabled:
            return
        scrubbed_request = request.replace(headers=_without_secrets(request.headers))
        scrubbed_response = response.replace(headers=_without_secrets(response.headers))
        self._pending[self._fingerprint(request)] = self._writer.submit(
            self._write_entry, spider, scrubbed_request, scrubbed_response
        )

    def _check_writable(self) -> bool:
        """Whether entries can be written, without creating the folder before one is stored."""
        folder = Path(self.cachedir).absolute()
        existing = next(path for path in (folder, *folder.parents) if path.exists())
        what = "it" if existing == folder else str(existing)
        if not existing.is_dir():
            self._disable(f"{what} is a file, not a folder")
            return False
        if not os.access(existing, os.W_OK | os.X_OK):
            self._disable(f"{what} is not writable")
            return False
        return True

    def _disable(self, cause: str) -> None:
        self.enabled = False
        logger.warning("HTTP cache off for this crawl: cannot write to %s (%s)", self.cachedir, cause)

    def _write_entry(self, spider: Spider, request: Request, response: Response) -> None:
        """Scrapy's ``store_response``, into a staging folder beside the entry, renamed into place."""
        if not self.enabled:
            return
        entry = self._entry_path(request)
        staging: Path | None = None
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{entry.name}.writing-", dir=entry.parent))
            metadata = {
                "url": request.url,
                "method": request.method,
                "status": response.status,
                "response_url": response.url,
                "timestamp": time.time(),
            }
            extra = {
                key: value
                for key, value in response.to_dict().items()
                if key not in {"url", "status", "headers", "body"}
            }
            for name, content in (
                ("meta", to_bytes(repr(metadata))),
                ("pickled_meta", pickle.dumps(metadata, protocol=4)),
                ("response_headers", headers_dict_to_raw(response.headers)),
                ("response_body", response.body),
                ("response_data", pickle.dumps(extra, protocol=4)),
                ("request_headers", headers_dict_to_raw(request.headers)),
                ("request_body", request.body),
            ):
                with (gzip.open if self.use_gzip else open)(staging / name, "wb") as file:
                    file.write(content)
            _swap_in(staging, entry, staging.with_name(staging.name.replace(".writing-", ".replaced-")))
        except OSError as error:  # e.g. the disk filled up: the pages are still good, uncached
            self._disable(error.strerror or str(error))
        finally:
            if staging is not None and staging.exists():
                shutil.rmtree(staging, ignore_errors=True)

    def _read_entry(self, request: Request) -> Response | None:
        """Scrapy's ``retrieve_response``, reading every file through one handle on the entry's
        folder: a rename that swaps in a newer entry cannot mix its files with the older ones."""
        folder = os.open(self._entry_path(request), os.O_RDONLY | _O_DIRECTORY)
        try:

            def read(name: str) -> bytes:
                with os.fdopen(os.open(name, os.O_RDONLY, dir_fd=folder), "rb") as raw:
                    return gzip.GzipFile(fileobj=raw).read() if self.use_gzip else raw.read()

            age = time.time() - os.stat("pickled_meta", dir_fd=folder).st_mtime
            if 0 < self.expiration_secs < age:
                return None  # expired
            metadata = pickle.loads(read("pickled_meta"))
            data = {
                "url": metadata["response_url"],
                "status": metadata["status"],
                "headers": headers_raw_to_dict(read("response_headers")),
                "body": read("response_body"),
            }
            data.update(pickle.loads(read("response_data")))
        finally:
            os.close(folder)
        request.meta["cache_timestamp"] = metadata["timestamp"]
        return response_from_dict(data)

    def _entry_path(self, request: Request) -> Path:
        # Scrapy's layout (FilesystemCacheStorage._get_request_path), so its entries stay readable
        key = self._fingerprint(request)
        return Path(self.cachedir, self._spider_name, key[:2], key)

    def _fingerprint(self, request: Request) -> str:
        return self._request_fingerprinter.fingerprint(request).hex()


def _swap_in(staged: Path, entry: Path, replaced: Path) -> None:
    """Put a whole entry folder in place of any older one, by renames only.

    An entry moves aside at most once per write, and every move aside is followed by a put: so an
    entry is always there in the end. One another crawl puts in place meanwhile is as fresh as
    ours: it stays, and ours is dropped (moving it aside too could leave no entry at all).
    """
    if _put(staged, entry):
        return  # there was no entry yet
    try:
        entry.rename(replaced)  # readers holding the old folder open still read it whole
    except FileNotFoundError:
        pass  # another crawl moved it aside first, and puts its own in place
    except OSError as error:
        if error.errno not in (errno.EEXIST, errno.ENOTEMPTY):
            raise
        return  # our "replaced" slot is taken: the entry there stays
    else:
        shutil.rmtree(replaced, ignore_errors=True)
    _put(staged, entry)


def _put(staged: Path, entry: Path) -> bool:
    """Rename ``staged`` to ``entry``; False when an entry is already there."""
    try:
        staged.rename(entry)
    except OSError as error:
        if error.errno not in (errno.EEXIST, errno.ENOTEMPTY):
            raise
        return False
    return True


def _without_secrets(headers: Headers) -> Headers:
    kept = Headers(headers)
    for name in SECRET_HEADERS:
        kept.pop(name, None)
    return kept
