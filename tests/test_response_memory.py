"""The client's HTTP cache in memory: answers what the disk cache would, and expires as it does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from ftl_scraper.fetching import response_memory
from ftl_scraper.fetching.response_memory import RememberingCacheStorage, ResponseMemory

URL = "http://127.0.0.1:1/pools/scores/x"


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[RememberingCacheStorage]:
    crawler = get_crawler(
        Spider,
        {
            "HTTPCACHE_DIR": str(tmp_path / "cache"),
            "HTTPCACHE_EXPIRATION_SECS": 180,
            "FTL_SHARED_RESPONSE_MEMORY": ResponseMemory(),
        },
    )
    spider = Spider("pools")
    spider.crawler = crawler
    storage = RememberingCacheStorage(crawler.settings)
    storage.open_spider(spider)
    yield storage
    storage.close_spider(spider)


def _page(body: bytes, cookie: bytes = b"connect.sid=s3cret") -> HtmlResponse:
    return HtmlResponse(URL, body=body, headers={"Set-Cookie": cookie}, request=Request(URL))


def test_a_stored_page_comes_back_from_memory_without_its_cookie(
    storage: RememberingCacheStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    spider = Spider("pools")
    storage.store_response(spider, Request(URL), _page(b"<p>pool</p>"))
    monkeypatch.setattr(
        response_memory.FtlFilesystemCacheStorage, "retrieve_response", _disk_must_not_be_read
    )

    answer = storage.retrieve_response(spider, Request(URL))

    assert answer is not None
    assert answer.body == b"<p>pool</p>"
    assert b"Set-Cookie" not in answer.headers


def test_a_remembered_page_expires_when_the_disk_copy_would(
    storage: RememberingCacheStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    spider = Spider("pools")
    storage.store_response(spider, Request(URL), _page(b"<p>pool</p>"))
    stored_at = response_memory.time.time()
    monkeypatch.setattr(response_memory.time, "time", lambda: stored_at + 181)
    monkeypatch.setattr(response_memory.FtlFilesystemCacheStorage, "retrieve_response", _disk_says_missing)

    assert storage.retrieve_response(spider, Request(URL)) is None


def test_memory_holds_no_more_bytes_than_its_bound() -> None:
    memory = ResponseMemory(max_bytes=25)
    for number in range(5):
        memory.put(f"page-{number}", _page(b"x" * 10), stored_at=0.0)

    assert memory.held_bytes == 20
    assert memory.get("page-0") is None
    assert memory.get("page-4") is not None


def _disk_must_not_be_read(*_: object) -> None:
    raise AssertionError("read from disk")


def _disk_says_missing(*_: object) -> None:
    return None
