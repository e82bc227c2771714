"""Feed storages that store the bundle whole or not at all, and say so when they cannot."""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, Self

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.extensions.feedexport import FileFeedStorage

from ftl_scraper.errors import OutputError
from ftl_scraper.output.feeds import check_feed, record_output_error

logger = logging.getLogger(__name__)

#: The export is kept in memory up to this size (a 200-pool bundle is about 2 MB), then on disk.
_BUFFER_IN_MEMORY = 32 * 1024 * 1024


class AtomicFileFeedStorage(FileFeedStorage):
    """Like Scrapy's file storage, but the bundle replaces the target in one rename when stored,
    and a failure is an error of the crawl (exit status 1) instead of a logged traceback.

    Scrapy writes ``-O out.json`` in place, so a crash mid-export leaves a truncated file
    (scrapy/scrapy#5580 asks for a safer mode), and it logs a failed store without failing the
    crawl. The export goes to a buffer; ``store`` writes it to a temporary file beside the target
    (a rename is atomic on one filesystem) and removes that file whatever goes wrong.
    """

    def __init__(
        self, uri: str, *, feed_options: dict[str, Any] | None = None, crawler: Crawler | None = None
    ) -> None:
        super().__init__(uri, feed_options=feed_options)
        self.feed_options = dict(feed_options or {})
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler, uri: str, *, feed_options: dict[str, Any] | None = None) -> Self:
        return cls(uri, feed_options=feed_options, crawler=crawler)

    def open(self, spider: Spider) -> IO[bytes]:
        return tempfile.SpooledTemporaryFile(max_size=_BUFFER_IN_MEMORY)  # closed in store()

    def store(self, file: IO[bytes]) -> None:
        target = Path(self.path)
        try:
            check_feed(self.path, self.feed_options)  # FEEDS given in settings skip the command's check
            _write_atomically(target, file, append=self.write_mode == "ab")
        except OutputError as error:
            self._fail(error)
        except OSError as error:
            self._fail(OutputError(f"cannot write the bundle to {target}: {describe_os_error(error)}"))
        finally:
            file.close()

    def _fail(self, error: OutputError) -> None:
        # not logged as an error here: the crawl's verdict is this very line (one line, not two)
        logger.debug("%s", error)
        if self.crawler is not None:
            record_output_error(self.crawler, error)


class BundleStdoutFeedStorage:
    """Standard output (``-O -``): written at the end, in one go, so a failed crawl prints nothing.

    Unlike Scrapy's stdout storage it does not warn that ``-O`` cannot overwrite stdout, and a
    reader that closed the pipe early (``| head``) gives one error line, not a traceback.
    """

    def __init__(
        self, uri: str, *, feed_options: dict[str, Any] | None = None, crawler: Crawler | None = None
    ) -> None:
        self.feed_options = dict(feed_options or {})
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler, uri: str, *, feed_options: dict[str, Any] | None = None) -> Self:
        return cls(uri, feed_options=feed_options, crawler=crawler)

    def open(self, spider: Spider) -> IO[bytes]:
        return tempfile.SpooledTemporaryFile(max_size=_BUFFER_IN_MEMORY)  # closed in store()

    def store(self, file: IO[bytes]) -> None:
        try:
            file.seek(0)
            shutil.copyfileobj(file, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        except OSError as error:
            # Python would fail again flushing stdout at exit: point it at /dev/null instead
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
            cause = (
                "the reader closed the pipe"
                if isinstance(error, BrokenPipeError)
                else describe_os_error(error)
            )
            failure = OutputError(f"cannot write the bundle to stdout: {cause}")
            logger.debug("%s", failure)  # the crawl's verdict says it
            if self.crawler is not None:
                record_output_error(self.crawler, failure)
        finally:
            file.close()


def make_folder_for(target: Path, what: str = "bundle") -> None:
    """Create the folders ``target`` goes in, as Scrapy does; an ``OutputError`` saying what is in
    the way when a file stands where a folder must be, or a folder where ``target`` must go."""
    for folder in (target.parent, *target.parent.parents):
        if folder.exists() and not folder.is_dir():
            raise OutputError(f"cannot write the {what} to {target}: {folder} is not a directory")
    if target.is_dir():
        raise OutputError(f"cannot write the {what} to {target}: it is a directory")
    target.parent.mkdir(parents=True, exist_ok=True)


def _write_atomically(target: Path, content: IO[bytes], *, append: bool) -> None:
    make_folder_for(target)

    def write(part: IO[bytes]) -> None:
        if append and target.exists():
            with target.open("rb") as existing:
                shutil.copyfileobj(existing, part)
        content.seek(0)
        shutil.copyfileobj(content, part)

    _replace(target, write)


def _replace(target: Path, write: Callable[[IO[bytes]], object]) -> None:
    """What ``write`` writes, on disk beside ``target`` first, then renamed over it in one step
    (a rename is atomic on one filesystem); the temporary file is removed whatever goes wrong."""
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as part:
            write(part)
            part.flush()
            os.fsync(part.fileno())
        os.chmod(temporary, _mode_for(target))
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def describe_os_error(error: OSError) -> str:
    return error.strerror or str(error) or type(error).__name__


def replace_file_atomically(path: str | Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it over ``path`` in one step,
    so a reader sees the old content or the new, never a mix (a watch's ``snapshot=`` file)."""
    _replace(Path(path), lambda part: part.write(data))


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; a new one gets the usual 0o666 less the umask."""
    if target.exists():
        return target.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
