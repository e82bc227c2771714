"""A watch's output as a stream: each change line is on disk as soon as it is seen.

The project's atomic storage writes a file whole when the crawl ends, which is what a bundle needs
and the opposite of what a watch needs: someone ``tail -f``-ing ``changes.jsonl`` must see a bout
the moment it is scored, and a watch stopped with Ctrl-C must leave every line it found.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import IO, Any

from pydantic_core import to_json
from scrapy import Spider
from scrapy.exporters import JsonLinesItemExporter
from scrapy.settings import BaseSettings

from ftl_scraper.errors import InvalidArgumentError, OutputError
from ftl_scraper.fetching.downloader import stop_crawl
from ftl_scraper.items import ChangeBatch
from ftl_scraper.output.feeds import JSON_LINES_FORMATS
from ftl_scraper.output.feedstorage import (
    AtomicFileFeedStorage,
    BundleStdoutFeedStorage,
    describe_os_error,
    make_folder_for,
)


class FtlFileFeedStorage(AtomicFileFeedStorage):
    """Local files: written whole at the end (``AtomicFileFeedStorage``), except for a spider that
    streams (``spider.streams_output``, a watch), whose lines are appended and flushed one by one.

    Scrapy opens the file at the first item, so a watch that fails before its snapshot leaves an
    existing file untouched; ``-O`` truncates it then, ``-o`` appends to it.
    """

    streaming = False

    def open(self, spider: Spider) -> IO[bytes]:
        self.streaming = getattr(spider, "streams_output", False)
        if not self.streaming:
            return super().open(spider)
        target = Path(self.path)
        try:
            make_folder_for(target, "changes")
            # unbuffered: every write() of the exporter (one whole line) goes straight to the file
            return open(target, self.write_mode, buffering=0)
        except OSError as error:
            self._stop(OutputError(f"cannot write the changes to {target}: {describe_os_error(error)}"))
        except OutputError as error:
            self._stop(error)
        return io.BytesIO()  # what the exporter writes before the crawl stops goes nowhere

    def _stop(self, error: OutputError) -> None:
        # a watch with nowhere to write its lines stops, and fails (exit status 1)
        self._fail(error)
        if self.crawler is not None:
            stop_crawl(self.crawler, reason="output_error")

    def store(self, file: IO[bytes]) -> None:
        if self.streaming:  # every line is already on disk
            file.close()
            return
        super().store(file)


class FtlStdoutFeedStorage(BundleStdoutFeedStorage):
    """Standard output: a bundle in one go at the end (``BundleStdoutFeedStorage``); JSON lines
    (a watch's changes, a tournament's events) as they come, each line whole by itself."""

    streaming = False

    def open(self, spider: Spider) -> IO[bytes]:
        line_format = str(self.feed_options.get("format", "")).lower() in JSON_LINES_FORMATS
        self.streaming = line_format or getattr(spider, "streams_output", False)
        if not self.streaming:
            return super().open(spider)
        return sys.stdout.buffer  # the exporter flushes after each batch of lines

    def store(self, file: IO[bytes]) -> None:
        if self.streaming:  # every line is already written; stdout stays open
            file.flush()
            return
        super().store(file)


class ChangeLinesExporter(JsonLinesItemExporter):
    """Scrapy's JSON Lines exporter, writing each change of a ``ChangeBatch`` as a line of its own
    (one write per line, so a reader never sees half a line); other items as Scrapy would."""

    def export_item(self, item: Any) -> None:
        if not isinstance(item, ChangeBatch):
            super().export_item(item)
            return
        for change in item.changes:
            self.file.write(to_json(change) + b"\n")
        self.file.flush()  # a buffered output (-o - for stdout) would hold the lines back


def check_watch_feeds(settings: BaseSettings) -> None:
    """A watch writes JSON Lines: refuse, before any request, an output that could not be a stream."""
    feeds: dict[str, Any] = settings.getdict("FEEDS")
    for uri, options in feeds.items():
        feed_format = str((options or {}).get("format", "")).lower()
        if feed_format not in JSON_LINES_FORMATS:
            raise InvalidArgumentError(
                f"watch writes one JSON line per change: give an output file ending in .jsonl "
                f"(got {uri!r} as {feed_format or 'unknown format'})"
            )
