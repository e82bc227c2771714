"""Cassettes: recorded FTL responses in a readable folder (``index.json`` + one file per body).

A cassette is keyed by method, path and query only, never by host, so one recorded from a
local stand-in replays under ``https://www.fencingtimelive.com`` and vice versa. It holds
no cookie, credential or CSRF token: only the headers in ``KEPT_HEADERS`` are written, and
the per-session ``csrf_token`` meta tag in HTML bodies is blanked on the way in.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ftl_scraper.errors import CassetteFormatError, ParseError
from ftl_scraper.parsers import is_login_page, parse_pool_ids
from ftl_scraper.site.ids import FTL_ID_PATTERN
from ftl_scraper.site.login import LOGIN_PATHS

INDEX_FILE = "index.json"
#: bumped when the index layout changes incompatibly
CASSETTE_FORMAT = 1
#: cassettes that ship inside the package, under ``ftl_scraper/cassette/recordings/<name>/``; read
#: through importlib.resources, as a folder may be inside a zip (the egg that Scrapyd runs)
SHIPPED_CASSETTES_DIR: Traversable = files("ftl_scraper.cassette") / "recordings"

#: The only response headers written: what decides how a body is read. An allowlist, so a
#: new session or auth header can never leak into a cassette by being forgotten.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Location", "Retry-After")
#: FTL's login form and its POST target: a session is made there, nothing to replay
#: what replaces the per-session token in ``<meta name="csrf_token" content="...">``
CSRF_PLACEHOLDER = b"not-recorded"

_CSRF_META = re.compile(rb'(<meta\s+name="csrf_token"\s+content=")[^"]*(")', re.IGNORECASE)
_POOLS_PAGE = re.compile(rf"/pools/scores/{FTL_ID_PATTERN}/{FTL_ID_PATTERN}/?")
_POOL_FRAGMENT = re.compile(
    rf"/pools/scores/{FTL_ID_PATTERN}/{FTL_ID_PATTERN}/(?P<pool>{FTL_ID_PATTERN})\?dbut=true"
)
_RESULTS_DATA = re.compile(rf"/pools/results/data/{FTL_ID_PATTERN}/{FTL_ID_PATTERN}/?")
_TABLEAU_TREES = re.compile(rf"/tableaus/scores/{FTL_ID_PATTERN}/{FTL_ID_PATTERN}/trees/?")
_TABLEAU_TABLES = re.compile(
    rf"/tableaus/scores/{FTL_ID_PATTERN}/{FTL_ID_PATTERN}/trees/(?P<tree>{FTL_ID_PATTERN})"
    r"/tables/(?P<first>\d+)/(?P<count>\d+)"
)
_NOT_IN_FILE_NAME = re.compile(r"[^a-z0-9]+")


def request_key(method: str, url: str) -> tuple[str, str]:
    """What a cassette entry is found by: the method and the URL's path and query, no host."""
    parts = urlsplit(url)
    path = parts.path or "/"
    return method.upper(), f"{path}?{parts.query}" if parts.query else path


@dataclass(frozen=True)
class Interaction:
    """One recorded response and the request it answers."""

    method: str
    path: str  # path and query, e.g. "/pools/scores/E/R/P?dbut=true"
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.path

    @property
    def content_type(self) -> str:
        return next((v for k, v in self.headers.items() if k.lower() == "content-type"), "")


@dataclass
class Cassette:
    """The interactions of one cassette folder, loaded eagerly (a pool round is a few dozen pages)."""

    folder: Path | Traversable
    interactions: dict[tuple[str, str], Interaction] = field(default_factory=dict)
    #: body files of the index this cassette was loaded from (removed on save if unused)
    loaded_files: frozenset[str] = frozenset()

    @classmethod
    def load(cls, folder: str | Path | Traversable) -> Cassette:
        """Read ``folder``; a folder without ``index.json`` is an empty cassette."""
        if isinstance(folder, str):
            folder = Path(folder)
        index_path = folder / INDEX_FILE
        if not index_path.is_file():
            return cls(folder)
        try:
            index = json.loads(index_path.read_text(encoding="utf-8"))
            if index.get("cassette_format") != CASSETTE_FORMAT:
                raise ValueError(
                    f"cassette_format is {index.get('cassette_format')!r}, not {CASSETTE_FORMAT}"
                )
            entries = [_entry_from_json(folder, entry) for entry in index["interactions"]]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CassetteFormatError(f"cannot read cassette {index_path}: {error}") from None
        files = frozenset(str(entry["body_file"]) for entry in index["interactions"])
        return cls(folder, {i.key: i for i in entries}, files)

    def find(self, method: str, url: str) -> Interaction | None:
        return self.interactions.get(request_key(method, url))

    def add(self, interaction: Interaction) -> None:
        # the same page asked twice (a pool listed twice) is one entry: the latest answer
        self.interactions[interaction.key] = interaction

    def __len__(self) -> int:
        return len(self.interactions)

    def __iter__(self) -> Iterator[Interaction]:
        return iter(self.interactions.values())

    def save(self) -> None:
        """Write the index and one file per body into a temporary folder beside the cassette, then
        swap it in by renames: the folder holds the old recording or the new one, never a mix.

        Rerunning on the same pages gives the same bytes. Files in the folder that belong to no
        recording (a README, notes) are carried over.
        """
        if not isinstance(self.folder, Path):
            raise CassetteFormatError(f"cannot record into {self.folder}: a shipped cassette is read-only")
        target = self.folder
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.recording-", dir=target.parent))
        try:
            written = self._write_into(staging)
            if target.exists():
                recorded_before = self.loaded_files | {INDEX_FILE}
                for kept in target.iterdir():
                    if kept.name not in recorded_before and kept.name not in written:
                        kept.rename(staging / kept.name)
                replaced = staging.with_name(staging.name.replace(".recording-", ".replaced-"))
                target.rename(replaced)
                staging.rename(target)
                shutil.rmtree(replaced)
            else:
                staging.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # gone already when the swap happened
        self.loaded_files = frozenset(written - {INDEX_FILE})

    def _write_into(self, folder: Path) -> set[str]:
        names = body_file_names(self.interactions.values())
        named = sorted(((self.interactions[key], name) for key, name in names.items()), key=lambda i: i[1])
        for interaction, name in named:
            (folder / name).write_bytes(interaction.body)
        index = {
            "cassette_format": CASSETTE_FORMAT,
            "about": "Responses recorded by ftl_scraper (FTL_CASSETTE_MODE=record). Keyed by method, "
            "path and query, not host. No cookie, credential or CSRF token is ever written.",
            "interactions": [_entry_to_json(interaction, name) for interaction, name in named],
        }
        text = json.dumps(index, indent=2, ensure_ascii=False) + "\n"
        (folder / INDEX_FILE).write_text(text, encoding="utf-8")
        return {name for _, name in named} | {INDEX_FILE}


def recordable(method: str, url: str, headers: Mapping[str, str], body: bytes) -> bool:
    """False for what must never be in a cassette: the login flow and login pages (CSRF, session)."""
    _, path = request_key(method, url)
    if path.split("?")[0].rstrip("/") in LOGIN_PATHS:
        return False
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    return not ("html" in content_type and is_login_page(body.decode("utf-8", "replace")))


def interaction_from_response(
    method: str, url: str, status: int, headers: Mapping[str, str], body: bytes
) -> Interaction:
    """The cassette entry for a response: allowed headers only, CSRF token blanked."""
    kept = {name: headers[name] for name in KEPT_HEADERS if name in headers}
    if "html" in kept.get("Content-Type", ""):
        body = _CSRF_META.sub(rb"\g<1>" + CSRF_PLACEHOLDER + rb"\g<2>", body)
    request_method, path = request_key(method, url)
    return Interaction(request_method, path, status, kept, body)


def body_file_names(interactions: Iterable[Interaction]) -> dict[tuple[str, str], str]:
    """A readable, unique file name per body: ``pools-scores.html``, ``pool-07-<ID>.html``, ...

    Pools are numbered in the order the recorded pools page lists them, as FTL shows them.
    Names depend only on the interactions, never on the order they were recorded in.
    """
    ordered = sorted(interactions, key=lambda interaction: interaction.key)
    pool_numbers = _pool_numbers(ordered)
    width = max(2, len(str(len(pool_numbers))))
    names: dict[tuple[str, str], str] = {}
    taken: set[str] = set()
    for interaction in ordered:
        stem = _stem(interaction, pool_numbers, width)
        extension = _extension(interaction.content_type)
        name, repeat = f"{stem}{extension}", 1
        while name in taken or name == INDEX_FILE:
            repeat += 1
            name = f"{stem}-{repeat}{extension}"
        taken.add(name)
        names[interaction.key] = name
    return names


def resolve_cassette_folder(value: str, *, recording: bool) -> Path | Traversable:
    """``FTL_CASSETTE`` as a folder: a path, or the name of a cassette shipped in the package.

    A value with a path separator, or naming an existing folder, is a path. Otherwise a shipped
    cassette of that name wins in replay (``demo``); recording never writes into the package.
    """
    path = Path(value).expanduser()
    looks_like_path = any(sep in value for sep in ("/", os.sep)) or value.startswith((".", "~"))
    if looks_like_path or path.is_dir() or recording:
        return path
    shipped = SHIPPED_CASSETTES_DIR / value
    return shipped if (shipped / INDEX_FILE).is_file() else path


def shipped_cassettes() -> list[str]:
    """Names usable as ``FTL_CASSETTE=<name>`` from anywhere."""
    if not SHIPPED_CASSETTES_DIR.is_dir():
        return []
    return sorted(p.name for p in SHIPPED_CASSETTES_DIR.iterdir() if (p / INDEX_FILE).is_file())


def _pool_numbers(interactions: list[Interaction]) -> dict[str, int]:
    numbers: dict[str, int] = {}
    for interaction in interactions:
        if interaction.method == "GET" and _POOLS_PAGE.fullmatch(interaction.path):
            try:
                pool_ids = parse_pool_ids(interaction.body.decode("utf-8", "replace"))
            except ParseError:
                continue  # not a pools page after all: its pools keep ID-only names
            for number, pool_id in enumerate(pool_ids, start=1):
                numbers.setdefault(pool_id, number)
    return numbers


def _stem(interaction: Interaction, pool_numbers: dict[str, int], width: int) -> str:
    path = interaction.path
    prefix = "" if interaction.method == "GET" else f"{interaction.method.lower()}-"
    if _POOLS_PAGE.fullmatch(path):
        return f"{prefix}pools-scores"
    if fragment := _POOL_FRAGMENT.fullmatch(path):
        pool_id = fragment["pool"]
        number = pool_numbers.get(pool_id)
        return f"{prefix}pool-{number:0{width}d}-{pool_id}" if number else f"{prefix}pool-{pool_id}"
    if _RESULTS_DATA.fullmatch(path):
        return f"{prefix}results-data"
    if _TABLEAU_TREES.fullmatch(path):
        return f"{prefix}tableau-trees"
    if tables := _TABLEAU_TABLES.fullmatch(path):
        return f"{prefix}tableau-tree-{tables['tree']}-tables-{tables['first']}-{tables['count']}"
    slug = _NOT_IN_FILE_NAME.sub("-", path.lower()).strip("-")[:100] or "root"
    return f"{prefix}{slug}"


def _extension(content_type: str) -> str:
    if "json" in content_type:
        return ".json"
    if "html" in content_type:
        return ".html"
    return ".txt" if content_type.startswith("text/") else ".bin"


def _entry_to_json(interaction: Interaction, body_file: str) -> dict[str, Any]:
    return {
        "method": interaction.method,
        "path": interaction.path,
        "status": interaction.status,
        "headers": interaction.headers,
        "body_file": body_file,
    }


def _entry_from_json(folder: Path | Traversable, entry: dict[str, Any]) -> Interaction:
    body_file = str(entry["body_file"])
    # cassettes travel in bug reports: a body file is a plain name inside the folder, nothing else
    if Path(body_file).name != body_file or body_file in ("", ".", ".."):
        raise ValueError(f"body_file {body_file!r} is not a file name inside the cassette")
    headers = {str(name): str(value) for name, value in dict(entry.get("headers") or {}).items()}
    method, path = request_key(str(entry["method"]), str(entry["path"]))
    return Interaction(method, path, int(entry["status"]), headers, (folder / body_file).read_bytes())
