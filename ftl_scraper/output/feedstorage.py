"""Feed storage that writes the output file whole or not at all."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import IO, Any

from scrapy import Spider
from scrapy.extensions.feedexport import FileFeedStorage


class AtomicFileFeedStorage(FileFeedStorage):
    """Like Scrapy's file storage, but the export goes to a temporary file beside the
    target and replaces it in one rename when the feed is stored.

    Scrapy writes ``-O out.json`` in place, so a crash mid-export leaves a truncated file
    (scrapy/scrapy#5580 asks for a safer mode); a rename is atomic on one filesystem.
    """

    def __init__(self, uri: str, *, feed_options: dict[str, Any] | None = None) -> None:
        super().__init__(uri, feed_options=feed_options)
        self._temporary_path: Path | None = None

    def open(self, spider: Spider) -> IO[bytes]:
        target = Path(self.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        self._temporary_path = Path(name)
        file = os.fdopen(handle, "w+b")
        if self.write_mode == "ab" and target.exists():
            with target.open("rb") as existing:
                shutil.copyfileobj(existing, file)
        return file

    def store(self, file: IO[bytes]) -> None:
        assert self._temporary_path is not None
        file.flush()
        os.fsync(file.fileno())
        file.close()
        os.chmod(self._temporary_path, _mode_for(Path(self.path)))
        os.replace(self._temporary_path, self.path)
        self._temporary_path = None


def replace_file_atomically(path: str | Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it over ``path`` in one step,
    so a reader sees the old content or the new, never a mix (a watch's ``snapshot=`` file)."""
    target = Path(path)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(name, _mode_for(target))
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; a new one gets the usual 0o666 less the umask."""
    if target.exists():
        return target.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
