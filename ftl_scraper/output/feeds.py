"""Which feeds can hold a bundle, where ``-O``/``-o`` send it, and how a failed store is reported."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ftl_scraper.errors import OutputError

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

#: Feed formats that hold a bundle (one deeply nested item) as it is. CSV and XML would flatten
#: it into Python reprs and "None"/"True" strings, so they are refused rather than written wrong.
BUNDLE_FORMATS = ("json", "jsonlines", "jsonl", "jl")
#: Scrapy's names for JSON Lines: one document (a bundle, a change) per line, so an output a
#: second run appends to stays valid, and a watch can stream its changes.
JSON_LINES_FORMATS = ("jsonlines", "jsonl", "jl")
#: The feed URI Scrapy's ``-O -:json`` becomes; also the default when no output is given.
STDOUT_URI = "stdout:"
_STDOUT_NAMES = ("-", "stdout", "stdout:")
_OUTPUT_ERROR_STAT = "ftl/output_error"


def normalize_cli_outputs(outputs: list[str] | None) -> list[str] | None:
    """``-O -``, ``-O stdout`` and ``-O stdout:json`` all mean standard output, as JSON unless a
    format is given (Scrapy refuses ``-`` without a format and writes ``stdout:json`` to a file
    named ``stdout``)."""
    if not outputs:
        return outputs
    normalized = []
    for output in outputs:
        name, _, output_format = output.rpartition(":")
        if output in _STDOUT_NAMES:
            normalized.append("-:json")
        elif name in _STDOUT_NAMES and output_format in BUNDLE_FORMATS:
            normalized.append(f"-:{output_format}")
        else:
            normalized.append(output)
    return normalized


def check_feeds(feeds: Mapping[str, Mapping[str, Any]]) -> None:
    """Refuse, before any request, a feed that cannot hold a bundle or be appended to."""
    for uri, options in feeds.items():
        check_feed(str(uri), options)


def check_feed(uri: str, options: Mapping[str, Any]) -> None:
    output_format = str(options.get("format", ""))
    shown = "stdout" if is_stdout(uri) else uri
    if output_format not in BUNDLE_FORMATS:
        raise OutputError(
            f"cannot write a bundle as {output_format or 'an unknown format'!r} to {shown}: "
            f"a bundle is one nested record, which fits {', '.join(BUNDLE_FORMATS)} "
            "(e.g. -O bundle.json or -O bundle.jsonl)"
        )
    if options.get("overwrite") or output_format in JSON_LINES_FORMATS or is_stdout(uri):
        return
    path = file_path(uri)
    if path is not None and path.is_file() and path.stat().st_size > 0:
        raise OutputError(
            f"cannot append a bundle to {path}: a {output_format} file holds one JSON document, and a "
            "second one after it is not valid JSON; use -O to replace it, or -o with a .jsonl file "
            "to keep one bundle per line"
        )


def is_stdout(uri: str) -> bool:
    return urlsplit(uri).scheme == "stdout"


def file_path(uri: str) -> Path | None:
    """The local path a feed URI writes to, or None for stdout and remote storages."""
    parts = urlsplit(uri)
    if parts.scheme == "file":
        return Path(parts.path)
    if parts.scheme and len(parts.scheme) > 1:  # "C:" is a Windows drive, not a scheme
        return None
    return Path(uri)


def record_output_error(crawler: Crawler, error: OutputError) -> None:
    """Keep why the bundle was not stored; the crawl's outcome turns it into exit status 1."""
    crawler.stats.set_value(_OUTPUT_ERROR_STAT, str(error))


def output_error(stats: Mapping[str, Any]) -> OutputError | None:
    message = stats.get(_OUTPUT_ERROR_STAT)
    return OutputError(message) if message else None
