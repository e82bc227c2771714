"""FTL identifiers, what any FTL URL points at, and the URLs the crawls request."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from ftl_scraper.errors import InvalidArgumentError
from ftl_scraper.site.ids import FTL_ID, FTL_ID_ANY_CASE

DEFAULT_BASE_URL = "https://www.fencingtimelive.com"

_ID = FTL_ID_ANY_CASE

#: what a link points at, coarsest first: a whole tournament, one event, or one round of it
LinkKind = Literal["tournament", "event", "pool_round", "tableau"]

# Path shapes of ftl-site.md §1, matched on the whole path (a trailing slash allowed).
_LINK_PATHS: tuple[tuple[LinkKind, re.Pattern[str]], ...] = (
    (
        "tournament",
        re.compile(rf"/tournaments/(?:eventSchedule|myFencers|medals|liveScores)/(?P<tournament>{_ID})"),
    ),
    (
        "event",
        re.compile(rf"/events/(?:view|format|(?:results|competitors)(?:/data|/download)?)/(?P<event>{_ID})"),
    ),
    (
        "pool_round",
        re.compile(
            rf"/(?:pools/(?:scores|details|results(?:/data)?)|rounds/(?:seeding|strips)(?:/data)?)"
            rf"/(?P<event>{_ID})/(?P<round>{_ID})(?:/{_ID}(?:/data)?)?"
        ),
    ),
    (
        "tableau",
        re.compile(rf"/(?:tableaus/scores|teammatches/details)/(?P<event>{_ID})/(?P<tableau>{_ID})(?:/.*)?"),
    ),
)

# which spider reads each kind of link, for the message that points the user to it
SPIDER_FOR_LINK: dict[LinkKind, str] = {
    "tournament": "tournament",
    "event": "event",
    "pool_round": "pools",
    "tableau": "tableau",
}
_LINK_DESCRIPTIONS: dict[LinkKind, str] = {
    "tournament": "a tournament page",
    "event": "an event page",
    "pool_round": "a pool-round page",
    "tableau": "a tableau page",
}


#: FTL's router to the page of an event's current state (ftl-site.md §4)
EVENT_ROUTER_PATH = re.compile(rf"/events/view/{_ID}")


@dataclass(frozen=True)
class FtlLink:
    """The IDs one FTL URL carries (upper-cased); which are set depends on ``kind``."""

    kind: LinkKind
    url: str
    #: the URL's path as given, without a trailing slash
    path: str
    tournament_id: str | None = None
    event_id: str | None = None
    pool_round_id: str | None = None
    tableau_id: str | None = None


def normalize_ftl_id(value: object, field: str) -> str:
    """Return an FTL ID upper-cased, or raise naming the argument that was wrong."""
    text = str(value).strip() if value is not None else ""
    if not FTL_ID.fullmatch(text):
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise InvalidArgumentError(f"{field} must be a 32-character hexadecimal FTL ID, got {shown!r}")
    return text.upper()


def classify_ftl_url(url: str) -> FtlLink:
    """Read what an FTL URL points at and the IDs it carries, from its path alone.

    Any host is accepted here; ``check_url_host`` holds a URL to FTL_BASE_URL's host.
    """
    text = url.strip()
    parts = urlsplit(_with_scheme(text))
    if parts.scheme and parts.scheme.lower() not in ("http", "https"):
        raise InvalidArgumentError(f"url must be an http(s) FTL URL, got {url!r}")
    path = parts.path.rstrip("/")
    for kind, pattern in _LINK_PATHS:
        match = pattern.fullmatch(path)
        if match is None:
            continue
        ids = {name: value.upper() for name, value in match.groupdict().items() if value}
        return FtlLink(
            kind=kind,
            url=text,
            path=path,
            tournament_id=ids.get("tournament"),
            event_id=ids.get("event"),
            pool_round_id=ids.get("round"),
            tableau_id=ids.get("tableau"),
        )
    raise InvalidArgumentError(
        f"url is not an FTL tournament, event, pools or tableau page, got {url!r} "
        f"(e.g. {DEFAULT_BASE_URL}/tournaments/eventSchedule/<tournamentID> or "
        f"{DEFAULT_BASE_URL}/events/results/<eventID>)"
    )


def link_for_spider(url: str, spider_name: str, accepted: tuple[LinkKind, ...]) -> FtlLink:
    """Classify ``url`` and refuse kinds this spider cannot crawl, naming the spider that can."""
    link = classify_ftl_url(url)
    if link.kind not in accepted:
        other = SPIDER_FOR_LINK[link.kind]
        raise InvalidArgumentError(
            f"url is {_LINK_DESCRIPTIONS[link.kind]}, which the {spider_name} spider does not crawl: "
            f"use 'scrapy crawl {other} -a url=...' ({url})"
        )
    return link


def check_url_host(url: str, base_url: str) -> None:
    """Refuse a URL of any other site than FTL_BASE_URL's (its scheme may differ)."""
    host = _host(urlsplit(_with_scheme(url.strip())).netloc)
    allowed = _host(urlsplit(normalize_base_url(base_url)).netloc)
    # FTL serves from www. only, but people paste the bare domain (ftl-format.md §1)
    if host not in (allowed, allowed.removeprefix("www.")):
        raise InvalidArgumentError(
            f"url must be on {allowed} (FTL_BASE_URL), got {url.strip()!r}: the crawl contacts no other site"
        )


def ids_from_pools_url(url: str) -> tuple[str, str]:
    """Read the event and pool-round IDs out of any FTL pools URL."""
    link = link_for_spider(url, "pools", ("pool_round",))
    assert link.event_id is not None
    assert link.pool_round_id is not None
    return link.event_id, link.pool_round_id


def ids_from_tableau_url(url: str) -> tuple[str, str]:
    """Read the event and tableau (DE round) IDs out of any FTL tableau URL."""
    link = link_for_spider(url, "tableau", ("tableau",))
    assert link.event_id is not None
    assert link.tableau_id is not None
    return link.event_id, link.tableau_id


def normalize_base_url(base_url: str) -> str:
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidArgumentError(f"FTL_BASE_URL must be an http(s) site root, got {base_url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def _with_scheme(url: str) -> str:
    # a pasted "www.fencingtimelive.com/events/..." has no scheme, so urlsplit reads it all as a path
    return url if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", url) or url.startswith("/") else f"https://{url}"


def _host(netloc: str) -> str:
    return netloc.rsplit("@", 1)[-1].lower()


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


@dataclass(frozen=True)
class TableauUrls:
    """The pages one DE tableau is read from: its list of trees, then each tree's columns."""

    base_url: str
    event_id: str
    tableau_id: str

    @property
    def tableau_page(self) -> str:
        return f"{self.base_url}/tableaus/scores/{self.event_id}/{self.tableau_id}"

    @property
    def trees(self) -> str:
        return f"{self.tableau_page}/trees"

    def whole_tree(self, tree_id: str, table_count: int) -> str:
        """Every column of a tree: its ``table_count`` bout columns and then the winner column.

        The winner column holds the champion and the final's score; asking for
        ``table_count`` columns only would lose both.
        """
        return f"{self.trees}/{tree_id}/tables/0/{table_count + 1}"


@dataclass(frozen=True)
class EventUrls:
    """The pages an event's own data is read from (its rounds have ``PoolRoundUrls``)."""

    base_url: str
    event_id: str

    @property
    def view(self) -> str:
        """FTL's router: redirects to the page of the event's current state."""
        return f"{self.base_url}/events/view/{self.event_id}"

    @property
    def results_page(self) -> str:
        """The results page: header, tab bar and (once published) the Final Results heading."""
        return f"{self.base_url}/events/results/{self.event_id}"

    @property
    def results_data(self) -> str:
        return f"{self.base_url}/events/results/data/{self.event_id}"

    def pool_round(self, pool_round_id: str) -> PoolRoundUrls:
        return PoolRoundUrls(self.base_url, self.event_id, pool_round_id)

    def tableau(self, tableau_id: str) -> TableauUrls:
        return TableauUrls(self.base_url, self.event_id, tableau_id)


def schedule_url(base_url: str, tournament_id: str) -> str:
    return f"{base_url}/tournaments/eventSchedule/{tournament_id}"
