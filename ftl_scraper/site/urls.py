"""FTL identifiers and the URLs of one pool round, built from a configurable site root."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from ftl_scraper.errors import InvalidArgumentError
from ftl_scraper.site.ids import FTL_ID, FTL_ID_ANY_CASE

DEFAULT_BASE_URL = "https://www.fencingtimelive.com"

# /pools/scores/{event}/{round}[/{pool}], /pools/results/data/{event}/{round}, /pools/details/...
_POOLS_PATH = re.compile(
    rf"/pools/(?:scores|details|results(?:/data)?)/(?P<event>{FTL_ID_ANY_CASE})/(?P<round>{FTL_ID_ANY_CASE})(?:/|$)"
)


def normalize_ftl_id(value: object, field: str) -> str:
    """Return an FTL ID upper-cased, or raise naming the argument that was wrong."""
    text = str(value).strip() if value is not None else ""
    if not FTL_ID.fullmatch(text):
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise InvalidArgumentError(f"{field} must be a 32-character hexadecimal FTL ID, got {shown!r}")
    return text.upper()


def ids_from_pools_url(url: str, *, base_url: str | None = None) -> tuple[str, str]:
    """Read the event and pool-round IDs out of any FTL pools URL.

    A URL with a scheme must be http(s); with ``base_url``, a URL naming a host must name its host
    (the crawl reads FTL_BASE_URL whatever the URL says, so another host would be ignored silently).
    """
    parts = urlsplit(url.strip())
    if parts.scheme and parts.scheme.lower() not in ("http", "https"):
        raise InvalidArgumentError(f"url must be an http(s) FTL pools URL, got {url!r}")
    if base_url and parts.netloc:
        ftl_host = urlsplit(normalize_base_url(base_url)).netloc.lower()
        if parts.netloc.lower() != ftl_host:
            raise InvalidArgumentError(
                f"url {url!r} is not on {ftl_host}, the FTL this crawl reads (FTL_BASE_URL)"
            )
    match = _POOLS_PATH.search(parts.path)
    if match is None:
        raise InvalidArgumentError(
            f"url must be an FTL pools URL such as "
            f"{DEFAULT_BASE_URL}/pools/scores/<eventID>/<roundID>, got {url!r}"
        )
    return match["event"].upper(), match["round"].upper()


def normalize_base_url(base_url: str) -> str:
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidArgumentError(f"FTL_BASE_URL must be an http(s) site root, got {base_url!r}")
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class PoolRoundUrls:
    """The three kinds of page one pool round is read from."""

    base_url: str
    event_id: str
    pool_round_id: str

    @property
    def pool_ids_page(self) -> str:
        return f"{self.base_url}/pools/scores/{self.event_id}/{self.pool_round_id}"

    def pool_fragment(self, pool_id: str) -> str:
        return f"{self.pool_ids_page}/{pool_id}?dbut=true"

    @property
    def results_data(self) -> str:
        return f"{self.base_url}/pools/results/data/{self.event_id}/{self.pool_round_id}"
