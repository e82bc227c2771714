"""What the spider hands the pipeline: raw FTL pages still to be parsed, and the pages that failed.

None of these is exported: the pipeline folds them into one bundle per pool round. Each names
its pool round, so one pipeline can assemble several rounds at once.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ftl_scraper.errors import FtlError


class PageKind(enum.StrEnum):
    """Which of a pool round's pages a request fetches (kept in the request's meta)."""

    POOL_IDS = "pool_ids"
    POOL_FRAGMENT = "pool_fragment"
    POOL_RESULTS = "pool_results"


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
