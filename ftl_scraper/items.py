"""What the spiders hand the pipelines: raw FTL pages still to be parsed, and the pages that failed.

None of these is exported: the pipelines fold them into one bundle per pool round, tableau or event.
Each names its pool round, tableau or event, so one pipeline can assemble several at once. In a watch,
the watch pipeline turns each poll's bundle into a ``ChangeBatch``, which the feed writes one line per
change.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from ftl_scraper.errors import FtlError
from ftl_scraper.parsers import EventPage, ScheduledEvent, TreeListing


class PageKind(enum.StrEnum):
    """Which of a pool round's pages a request fetches (kept in the request's meta)."""

    POOL_IDS = "pool_ids"
    POOL_FRAGMENT = "pool_fragment"
    POOL_RESULTS = "pool_results"
    #: an event's own pages (its header and tab bar; its final results JSON) and the schedule
    EVENT_PAGE = "event_page"
    FINAL_RESULTS = "final_results"
    SCHEDULE = "schedule"
    #: a tableau's trees JSON, and one tree's columns
    TABLEAU_TREES = "tableau_trees"
    TABLEAU_TREE = "tableau_tree"


@dataclass(frozen=True)
class PoolIdsPage:
    """The pool IDs read off ``/pools/scores/{event}/{round}`` (the spider needs them first)."""

    event_id: str
    pool_round_id: str
    url: str
    pool_ids: list[str]


@dataclass(frozen=True)
class PoolFragmentPage:
    """One ``/pools/scores/{event}/{round}/{pool}?dbut=true`` fragment."""

    event_id: str
    pool_round_id: str
    url: str
    pool_id: str
    html: str


@dataclass(frozen=True)
class PoolResultsPage:
    """The ``/pools/results/data/{event}/{round}`` JSON."""

    event_id: str
    pool_round_id: str
    url: str
    body: bytes


@dataclass(frozen=True)
class FailedPage:
    """A page that could not be fetched or read (partial mode): it counts as in, with its error."""

    kind: PageKind
    event_id: str
    pool_round_id: str
    url: str
    error: FtlError
    #: the pool of a failed fragment; None for the round's other pages
    pool_id: str | None = None


@dataclass(frozen=True)
class EventPageRead:
    """An event page's header and tab bar, read by the spider (it needs the round IDs first)."""

    event_id: str
    url: str
    page: EventPage


@dataclass(frozen=True)
class FinalResultsPage:
    """The ``/events/results/data/{event}`` JSON."""

    event_id: str
    url: str
    body: bytes


@dataclass(frozen=True)
class FailedEventPage:
    """An event's own page (``EVENT_PAGE`` or ``FINAL_RESULTS``) that could not be fetched or read."""

    kind: PageKind
    event_id: str
    url: str
    error: FtlError


@dataclass(frozen=True)
class EventScheduled:
    """A schedule line of a tournament crawl: comes before any page of its event."""

    tournament_id: str
    event: ScheduledEvent


@dataclass(frozen=True)
class TableauTreesPage:
    """The trees read off ``/tableaus/scores/{event}/{tableau}/trees`` (the spider needs them first)."""

    event_id: str
    tableau_id: str
    url: str
    trees: list[TreeListing]


@dataclass(frozen=True)
class TableauTreePage:
    """One tree's columns, ``…/trees/{tree}/tables/0/{numTables + 1}``."""

    event_id: str
    tableau_id: str
    url: str
    tree: TreeListing
    html: str


@dataclass(frozen=True)
class FailedTableauPage:
    """A tableau page that could not be fetched or read (partial mode): it counts as in, with its error."""

    kind: PageKind
    event_id: str
    tableau_id: str
    url: str
    error: FtlError
    #: the tree of a failed tree page; None for the trees JSON
    tree_id: str | None = None


@dataclass(frozen=True)
class UnchangedPage:
    """A watch asked FTL whether a page changed since the last poll, and it had not (HTTP 304)."""

    kind: PageKind
    event_id: str
    pool_round_id: str
    url: str
    #: the pool of an unchanged fragment; None for the round's other pages
    pool_id: str | None = None


@dataclass(frozen=True)
class UnchangedTableauPage:
    """A tableau watch asked FTL whether a page changed since the last poll, and it had not (HTTP 304)."""

    kind: PageKind
    event_id: str
    tableau_id: str
    url: str
    #: the tree of an unchanged tree page; None for the trees JSON
    tree_id: str | None = None


@dataclass(frozen=True)
class UnchangedEventPage:
    """An event watch asked FTL whether the event page or final results changed since the last
    poll, and they had not (HTTP 304)."""

    kind: PageKind
    event_id: str
    url: str


@dataclass(frozen=True)
class ChangeBatch:
    """The change lines one poll of a watch found, in order (JSON-safe dicts, one line each)."""

    changes: list[dict[str, Any]]
