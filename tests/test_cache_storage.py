"""One cache folder, several crawls: whole entries only, a vanished entry is a miss, unwritable is off."""

from __future__ import annotations

import logging
import shutil
import threading
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler

from ftl_scraper.fetching.cache import FtlFilesystemCacheStorage, _swap_in
from ftl_scraper.run.outcome import ExitStatus

from .crawling import crawl_pools, project_settings
from .fakeftl import FakeEvent, FakeFtlServer

PAGE_URL = "https://www.fencingtimelive.com/pools/scores/E/R"
VERSIONS = 40
BODY_SIZE = 256 * 1024


def open_storage(cache_dir: Path) -> tuple[FtlFilesystemCacheStorage, Spider]:
    """A storage as one crawl opens it; several on one folder are several crawls."""
    crawler = get_crawler(Spider, {"HTTPCACHE_DIR": str(cache_dir), "HTTPCACHE_EXPIRATION_SECS": 0})
    spider = Spider(name="pools")
    spider.crawler = crawler
    storage = FtlFilesystemCacheStorage(crawler.settings)
    storage.open_spider(spider)
    return storage, spider


def page(version: int) -> HtmlResponse:
    """Version n: a body of one repeated letter, and a header that names the same letter."""
    letter = chr(ord("A") + version % 26)
    return HtmlResponse(
        PAGE_URL,
        status=200,
        headers={"Content-Type": "text/html", "X-Letter": letter},
        body=letter.encode() * BODY_SIZE,
        request=Request(PAGE_URL),
    )


def test_readers_beside_a_writer_get_whole_entries_or_a_miss(tmp_path: Path) -> None:
    writer, writer_spider = open_storage(tmp_path)
    reader, reader_spider = open_storage(tmp_path)
    writer.store_response(writer_spider, Request(PAGE_URL), page(0))
    writer._pending.popitem()[1].result()
    done = threading.Event()
    seen: list[tuple[str, bytes]] = []
    failures: list[BaseException] = []

    def write_versions() -> None:
        for version in range(1, VERSIONS):
            writer.store_response(writer_spider, Request(PAGE_URL), page(version))
        writer._writer.shutdown(wait=True)
        done.set()

    def read_while_writing() -> None:
        while not done.is_set():
            try:
                cached = reader.retrieve_response(reader_spider, Request(PAGE_URL))
            except BaseException as error:  # what a crawl would log as a traceback
                failures.append(error)
                continue
            if cached is not None:
                seen.append((cached.headers.to_unicode_dict()["X-Letter"], cached.body))

    threads = [threading.Thread(target=write_versions), threading.Thread(target=read_while_writing)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert seen, "the reader never found the entry"
    for letter, body in seen:
        assert body == letter.encode() * BODY_SIZE
    last = reader.retrieve_response(reader_spider, Request(PAGE_URL))
    assert last is not None
    assert last.body == page(VERSIONS - 1).body
    writer.close_spider(writer_spider)
    reader.close_spider(reader_spider)


def test_an_entry_that_vanishes_is_a_miss(tmp_path: Path) -> None:
    storage, spider = open_storage(tmp_path)
    storage.store_response(spider, Request(PAGE_URL), page(1))
    storage._pending.popitem()[1].result()
    [body_file] = tmp_path.rglob("response_body")
    body_file.unlink()  # another crawl is replacing or clearing the entry

    assert storage.retrieve_response(spider, Request(PAGE_URL)) is None
    storage.close_spider(spider)


@deferred_f_from_coro_f
async def test_a_cache_folder_that_cannot_be_written_turns_caching_off_with_one_warning(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the cache folder should be")
    settings = project_settings(FTL_BASE_URL=fake_ftl.base_url, HTTPCACHE_DIR=str(not_a_folder))

    with caplog.at_level(logging.INFO):
        run = await crawl_pools(settings, event=fake_event.event_id, round=fake_event.pool_round_id)

    assert run.outcome.status is ExitStatus.OK
    assert run.bundle == fake_event.expected_bundle()
    problems = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [record.getMessage() for record in problems] == [
        f"HTTP cache off for this crawl: cannot write to {not_a_folder} (it is a file, not a folder)"
    ]
    assert all(record.exc_info is None for record in caplog.records)


def test_writers_replacing_one_entry_at_once_always_leave_an_entry(tmp_path: Path) -> None:
    # several crawls storing the same page at once (e.g. three force_refresh calls of one client)
    entry = tmp_path / "entry"
    for round_number in range(40):
        stagings = []
        for writer in range(4):
            staged = tmp_path / f".entry.writing-{round_number}-{writer}"
            staged.mkdir()
            (staged / "response_body").write_text(f"{round_number}-{writer}")
            stagings.append(staged)
        start = threading.Barrier(len(stagings))

        def write(staged: Path, start: threading.Barrier = start) -> None:
            start.wait()
            _swap_in(staged, entry, staged.with_name(staged.name.replace(".writing-", ".replaced-")))

        threads = [threading.Thread(target=write, args=(staged,)) for staged in stagings]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        body = (entry / "response_body").read_text()  # one whole entry, whoever won
        assert body in {f"{round_number}-{writer}" for writer in range(4)}
        for staged in stagings:
            if staged.exists():  # a writer whose entry another one's replaced: as _write_entry does
                shutil.rmtree(staged)
