"""A recording replaces the cassette whole at the end of a successful crawl, or leaves it as it was."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f

from ftl_scraper.cassette.format import INDEX_FILE
from ftl_scraper.errors import CassetteMissError
from ftl_scraper.run.outcome import ExitStatus

from .cassettes import DEMO_EVENT_ID, crawl_cassette
from .fakeftl import FakeEvent, FakeFtlServer, Status


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def results_path(event: FakeEvent) -> str:
    return f"/pools/results/data/{event.event_id}/{event.pool_round_id}"


@deferred_f_from_coro_f
async def test_a_failed_recording_leaves_the_previous_cassette_byte_identical_and_says_so(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cassette = tmp_path / "cassette"
    settings = {"FTL_BASE_URL": fake_ftl.base_url, "HTTPCACHE_DIR": str(tmp_path / "httpcache")}
    ids = {"event": fake_event.event_id, "round": fake_event.pool_round_id}
    good = await crawl_cassette(cassette, mode="record", settings=settings, **ids)
    before = folder_bytes(cassette)
    fake_ftl.add_fault(results_path(fake_event), Status(404), forever=True)

    with caplog.at_level(logging.WARNING):
        failed = await crawl_cassette(cassette, mode="record", settings=settings, **ids)
        partial = await crawl_cassette(cassette, mode="record", settings=settings, partial=1, **ids)

    assert good.outcome.status is ExitStatus.OK
    assert failed.outcome.status is ExitStatus.FAILED
    assert partial.outcome.status is ExitStatus.PARTIAL
    assert folder_bytes(cassette) == before
    assert os.listdir(tmp_path) == ["cassette"]  # no temporary folder left
    notices = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Recording not saved")]
    assert len(notices) == 2
    assert all(f"the cassette at {cassette} is unchanged" in notice for notice in notices)


@deferred_f_from_coro_f
async def test_once_records_after_a_failed_first_run(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    cassette = tmp_path / "cassette"
    settings = {"FTL_BASE_URL": fake_ftl.base_url, "HTTPCACHE_DIR": str(tmp_path / "httpcache")}
    ids = {"event": fake_event.event_id, "round": fake_event.pool_round_id}
    fake_ftl.add_fault(results_path(fake_event), Status(404))

    first = await crawl_cassette(cassette, mode="once", settings=settings, **ids)
    second = await crawl_cassette(cassette, mode="once", settings=settings, **ids)

    assert first.outcome.status is ExitStatus.FAILED
    assert second.outcome.status is ExitStatus.OK
    assert second.bundle == fake_event.expected_bundle()
    assert (cassette / INDEX_FILE).is_file()


@deferred_f_from_coro_f
async def test_the_miss_hint_for_a_shipped_cassette_names_the_folder_a_recording_would_create(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    other_round = "0" * 32

    run = await crawl_cassette("demo", event=DEMO_EVENT_ID, round=other_round)

    [miss, *_] = run.outcome.errors
    assert isinstance(miss, CassetteMissError)
    assert f"record into {tmp_path / 'demo'}" in str(miss)
    assert os.listdir(tmp_path) == []
