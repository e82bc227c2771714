"""What the spider hands the pipeline: raw FTL pages, still to be parsed, and the end marker.

None of these is exported: the pipeline folds them into one ``PoolsBundle``. In a watch, the watch
pipeline turns each poll's bundle into a ``ChangeBatch``, which the feed writes one line per change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PoolIdsPage:
    """The pool IDs read off ``/pools/scores/{event}/{round}`` (the spider needs them first)."""

    url: str
    pool_ids: list[str]


@dataclass(frozen=True)
class PoolFragmentPage:
    """One ``/pools/scores/{event}/{round}/{pool}?dbut=true`` fragment."""

    url: str
    pool_id: str
    html: str


@dataclass(frozen=True)
class PoolResultsPage:
    """The ``/pools/results/data/{event}/{round}`` JSON."""

    url: str
    body: bytes


@dataclass(frozen=True)
class BundleReady:
    """Every page is in: the pipeline replaces this marker with the bundle."""


@dataclass(frozen=True)
class ChangeBatch:
    """The change lines one poll of a watch found, in order (JSON-safe dicts, one line each)."""

    changes: list[dict[str, Any]]
