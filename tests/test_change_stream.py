"""A watch's output: lines on disk as they are exported, one per change; outputs that cannot stream."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import IO, Any

import pytest
from scrapy.settings import Settings

from ftl_scraper.errors import InvalidArgumentError
from ftl_scraper.items import ChangeBatch
from ftl_scraper.output.change_stream import ChangeLinesExporter, FtlFileFeedStorage, check_watch_feeds

CHANGES = [{"type": "pool_finished", "pool_number": 3}, {"type": "round_finished", "pool_count": 3}]


def storage_for(path: Path, *, overwrite: bool = False) -> FtlFileFeedStorage:
    return FtlFileFeedStorage(str(path), feed_options={"format": "jsonlines", "overwrite": overwrite})


def exporter_for(file: IO[bytes]) -> ChangeLinesExporter:
    return ChangeLinesExporter(file)  # type: ignore[arg-type]  # Scrapy annotates any file as BytesIO


def test_a_watch_appends_each_line_where_a_reader_sees_it_at_once(tmp_path: Path) -> None:
    target = tmp_path / "changes.jsonl"
    target.write_text('{"type":"snapshot"}\n', encoding="utf-8")
    storage = storage_for(target)
    file = storage.open(SimpleNamespace(streams_output=True))  # type: ignore[arg-type]
    exporter = exporter_for(file)

    exporter.export_item(ChangeBatch(CHANGES[:1]))
    assert target.read_text(encoding="utf-8").splitlines()[-1] == json.dumps(
        CHANGES[0], separators=(",", ":")
    )
    exporter.export_item(ChangeBatch(CHANGES[1:]))
    storage.store(file)

    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert lines == [{"type": "snapshot"}, *CHANGES]


def test_overwrite_starts_the_stream_afresh(tmp_path: Path) -> None:
    target = tmp_path / "changes.jsonl"
    target.write_text("old\n", encoding="utf-8")
    storage = storage_for(target, overwrite=True)
    file = storage.open(SimpleNamespace(streams_output=True))  # type: ignore[arg-type]
    exporter_for(file).export_item(ChangeBatch(CHANGES))
    storage.store(file)

    assert [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()] == CHANGES


def test_a_crawl_that_does_not_stream_still_writes_its_file_whole_at_the_end(tmp_path: Path) -> None:
    target = tmp_path / "bundle.jsonl"
    storage = storage_for(target, overwrite=True)
    file = storage.open(SimpleNamespace())  # type: ignore[arg-type]
    exporter_for(file).export_item({"event_id": "E"})

    assert not target.exists()
    storage.store(file)
    assert json.loads(target.read_text(encoding="utf-8")) == {"event_id": "E"}


@pytest.mark.parametrize("feed_format", ["jsonlines", "jsonl", "jl"])
def test_json_lines_outputs_can_stream(feed_format: str) -> None:
    settings = Settings({"FEEDS": {"changes.out": {"format": feed_format}}})
    check_watch_feeds(settings)


@pytest.mark.parametrize("feeds", [{"changes.json": {"format": "json"}}, {"changes.csv": {"format": "csv"}}])
def test_other_outputs_are_refused_for_a_watch(feeds: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgumentError, match="watch writes one JSON line per change"):
        check_watch_feeds(Settings({"FEEDS": feeds}))
