"""One pool round's pages, gathered until each expected page is folded in or has failed.

The contract every bundle pipeline follows (the pools pipeline holds one ``PoolRoundAssembly``
per round it is sent; a pipeline for another bundle kind keeps its own assembly class):

- the round starts out expecting its pools page and its results JSON; folding the pools page in
  (``fold_pool_ids``) adds one expected fragment per pool ID;
- each page the spider hands over is either folded in, parsed (``fold_pool``, ``fold_results``),
  or recorded as failed (``record_failed_page``), whether its download failed (the spider's
  errback hands the failure over as a ``FailedPage`` item) or its parse did;
- once ``is_done``, ``build_bundle`` returns the validated ``PoolsBundle``, with the failures as
  its ``errors``; the pipeline emits it from ``process_item`` in place of the last page, so the
  feed exports exactly one item per round and nothing has to wait for the engine to go idle;
- a round that is never done (a page dropped without its errback, or a crawl stopped at its
  first error) emits nothing; ``missing_pages`` says what never came.
"""

from __future__ import annotations

from collections.abc import Collection

from ftl_scraper.errors import FtlError
from ftl_scraper.items import (
    FailedPage,
    PageKind,
    PoolFragmentPage,
    PoolIdsPage,
    PoolResultsPage,
    UnchangedPage,
)
from ftl_scraper.models import CrawlError, Pool, PoolResults, PoolsBundle
from ftl_scraper.parsers.memo import parse_pool_html_once, parse_pool_results_once

# a page of the round: its kind, and its pool ID for a fragment
_PageKey = tuple[PageKind, str | None]
_POOL_IDS_PAGE: _PageKey = (PageKind.POOL_IDS, None)
_RESULTS_PAGE: _PageKey = (PageKind.POOL_RESULTS, None)
#: what a spider hands over for one pool round
PoolRoundPageItem = PoolIdsPage | PoolFragmentPage | PoolResultsPage | FailedPage | UnchangedPage


class PoolRoundAssembly:
    """The parsed pools, ranking and failures of one pool round, and which pages are still out."""

    def __init__(self, event_id: str, pool_round_id: str) -> None:
        self.event_id = event_id
        self.pool_round_id = pool_round_id
        #: the pool IDs in page order, once the pools page is in
        self.pool_ids: list[str] | None = None
        self.pools: dict[str, Pool] = {}
        self.results: PoolResults | None = None
        #: every page that could not be fetched or read, in the order it was recorded
        self.failures: list[FtlError] = []
        self._expected: list[_PageKey] = [_POOL_IDS_PAGE, _RESULTS_PAGE]
        self._arrived: set[_PageKey] = set()

    def fold_page(self, item: PoolRoundPageItem) -> FtlError | None:
        """Parse a fetched page and fold it in, or take a failed one. A page that does not read
        is recorded as failed, and its error returned so the caller can report it."""
        if isinstance(item, FailedPage):
            self.record_failed_page(item.kind, item.error, item.pool_id)
            return None
        if isinstance(item, UnchangedPage):
            self.fold_unchanged(item.kind, item.pool_id)
            return None
        context = self.context
        if isinstance(item, PoolIdsPage):
            self.fold_pool_ids(item.pool_ids)
        elif isinstance(item, PoolFragmentPage):
            try:
                self.fold_pool(parse_pool_html_once(item.html, item.pool_id))
            except FtlError as error:
                error.with_context(url=item.url, pool_id=item.pool_id, **context)
                self.record_failed_page(PageKind.POOL_FRAGMENT, error, item.pool_id)
                return error
        else:
            try:
                self.fold_results(parse_pool_results_once(item.body, **context))
            except FtlError as error:
                self.record_failed_page(PageKind.POOL_RESULTS, error.with_context(url=item.url, **context))
                return error
        return None

    def fold_pool_ids(self, pool_ids: list[str]) -> None:
        """The pools page is in: expect one fragment per pool ID."""
        self.pool_ids = list(pool_ids)
        self._expected += [(PageKind.POOL_FRAGMENT, pool_id) for pool_id in pool_ids]
        self._arrived.add(_POOL_IDS_PAGE)

    def fold_pool(self, pool: Pool) -> None:
        self.pools[pool.pool_id] = pool
        self._arrived.add((PageKind.POOL_FRAGMENT, pool.pool_id))

    def fold_results(self, results: PoolResults) -> None:
        self.results = results
        self._arrived.add(_RESULTS_PAGE)

    def record_failed_page(self, kind: PageKind, error: FtlError, pool_id: str | None = None) -> None:
        """The page will not come: it counts as in, and its error goes in the bundle."""
        self.failures.append(error)
        self._arrived.add((kind, pool_id if kind is PageKind.POOL_FRAGMENT else None))
        if kind is PageKind.POOL_IDS and self.pool_ids is not None:
            # a watch's later poll asked for the pools it knew along with the pools page: they
            # still come, and the poll's bundle waits for them
            self._expected += [(PageKind.POOL_FRAGMENT, known_id) for known_id in self.pool_ids]

    def fold_unchanged(self, kind: PageKind, pool_id: str | None = None) -> None:
        """A watch asked, and FTL says the page is as at the last poll: it is in, unchanged."""
        if kind is PageKind.POOL_IDS:
            self.fold_pool_ids(self.pool_ids or [])
        else:
            self._arrived.add((kind, pool_id if kind is PageKind.POOL_FRAGMENT else None))

    @property
    def context(self) -> dict[str, str]:
        return {"event_id": self.event_id, "pool_round_id": self.pool_round_id}

    def next_poll(self, *, settled_pool_ids: Collection[str], with_results: bool) -> PoolRoundAssembly:
        """The assembly of a watch's next poll of this round: it starts from what this one holds;
        settled pools (never fetched again) and, unless fetched, the results count as in."""
        following = PoolRoundAssembly(self.event_id, self.pool_round_id)
        following.pool_ids = self.pool_ids
        following.pools = dict(self.pools)
        following.results = self.results
        following._arrived = {(PageKind.POOL_FRAGMENT, pool_id) for pool_id in settled_pool_ids}
        if not with_results:
            following._arrived.add(_RESULTS_PAGE)
        return following

    @property
    def is_done(self) -> bool:
        """Every expected page is folded in or has failed."""
        return all(page in self._arrived for page in self._expected)

    def missing_pages(self) -> list[str]:
        """The pages still out, in words, pools first (e.g. ``"pool 0A1B..."``)."""
        missing = [page for page in self._expected if page not in self._arrived]
        missing.sort(key=lambda page: page[0] is not PageKind.POOL_FRAGMENT)
        names = {PageKind.POOL_IDS: "the pools page", PageKind.POOL_RESULTS: "the results JSON"}
        return [f"pool {pool_id}" if pool_id else names[kind] for kind, pool_id in missing]

    def build_bundle(self) -> PoolsBundle:
        """The round's bundle; raises pydantic's ``ValidationError`` if it breaks the contract."""
        pool_ids = self.pool_ids or []
        return PoolsBundle(
            event_id=self.event_id,
            pool_round_id=self.pool_round_id,
            pool_ids=pool_ids,
            pools=[self.pools[pool_id] for pool_id in pool_ids if pool_id in self.pools],
            results=self.results,
            complete=not self.failures,
            errors=[CrawlError.from_error(error) for error in self.failures],
        )
