"""One tableau's pages, gathered until each expected page is folded in or has failed.

The same contract as ``pool_round_assembly``: the tableau starts out expecting its trees JSON;
folding it in adds one expected page per tree; each page is folded in (parsed here) or recorded
as failed; once ``is_done``, ``build_bundle`` returns the ``TableauBundle`` with its trees in
treeNum order and the failures as its ``errors``. Any pipeline may hold one per tableau.
"""

from __future__ import annotations

from collections.abc import Collection

from ftl_scraper.errors import FtlError, TableauParseError
from ftl_scraper.items import (
    FailedTableauPage,
    PageKind,
    TableauTreePage,
    TableauTreesPage,
    UnchangedTableauPage,
)
from ftl_scraper.models import CrawlError, TableauBundle, TableauTree
from ftl_scraper.parsers.tableau import TreeSource, parse_tableau_html
from ftl_scraper.parsers.tableau_trees import TreeListing

TableauPageItem = TableauTreesPage | TableauTreePage | FailedTableauPage | UnchangedTableauPage
# a page of the tableau: its kind, and its tree ID for a tree's columns
_PageKey = tuple[PageKind, str | None]
_TREES_PAGE: _PageKey = (PageKind.TABLEAU_TREES, None)


class TableauAssembly:
    """The parsed trees and failures of one tableau, and which pages are still out."""

    def __init__(self, event_id: str, tableau_id: str) -> None:
        self.event_id = event_id
        self.tableau_id = tableau_id
        #: the trees in treeNum order, once the trees JSON is in
        self.listings: list[TreeListing] | None = None
        self.trees: dict[str, TableauTree] = {}
        #: every page that could not be fetched or read, in the order it was recorded
        self.failures: list[FtlError] = []
        self._expected: list[_PageKey] = [_TREES_PAGE]
        self._arrived: set[_PageKey] = set()

    def fold_page(self, item: TableauPageItem) -> FtlError | None:
        """Fold one page in; returns the error when the page could not be read (it is recorded)."""
        if isinstance(item, FailedTableauPage):
            self.record_failed_page(item.kind, item.error, item.tree_id)
            return None
        if isinstance(item, UnchangedTableauPage):
            self.fold_unchanged(item.kind, item.tree_id)
            return None
        if isinstance(item, TableauTreesPage):
            self.fold_trees(item.trees)
            return None
        try:
            self.fold_tree(read_tree(item))
        except FtlError as error:
            error.with_context(url=item.url, tree_id=item.tree.tree_id, **self.context)
            self.record_failed_page(PageKind.TABLEAU_TREE, error, item.tree.tree_id)
            return error
        return None

    @property
    def context(self) -> dict[str, str]:
        return {"event_id": self.event_id, "tableau_id": self.tableau_id}

    def fold_trees(self, listings: list[TreeListing]) -> None:
        """The trees JSON is in: expect each tree's columns."""
        self.listings = list(listings)
        self._expected += [(PageKind.TABLEAU_TREE, listing.tree_id) for listing in listings]
        self._arrived.add(_TREES_PAGE)

    def fold_tree(self, tree: TableauTree) -> None:
        self.trees[tree.tree_id] = tree
        self._arrived.add((PageKind.TABLEAU_TREE, tree.tree_id))

    def record_failed_page(self, kind: PageKind, error: FtlError, tree_id: str | None = None) -> None:
        """The page will not come: it counts as in, and its error goes in the bundle."""
        self.failures.append(error)
        self._arrived.add((kind, tree_id if kind is PageKind.TABLEAU_TREE else None))

    def fold_unchanged(self, kind: PageKind, tree_id: str | None = None) -> None:
        """A watch asked, and FTL says the page is as at the last poll: it is in, unchanged."""
        if kind is PageKind.TABLEAU_TREES:
            self.fold_trees(self.listings or [])
        else:
            self._arrived.add((PageKind.TABLEAU_TREE, tree_id))

    def next_poll(self, *, settled_tree_ids: Collection[str]) -> TableauAssembly:
        """The assembly of a watch's next poll of this tableau: it starts from what this one holds;
        settled trees (never fetched again) count as in."""
        following = TableauAssembly(self.event_id, self.tableau_id)
        following.listings = self.listings
        following.trees = dict(self.trees)
        following._arrived = {(PageKind.TABLEAU_TREE, tree_id) for tree_id in settled_tree_ids}
        return following

    @property
    def is_done(self) -> bool:
        """Every expected page is folded in or has failed."""
        return all(page in self._arrived for page in self._expected)

    def missing_pages(self) -> list[str]:
        """The pages still out, in words (e.g. ``"tree 0A1B..."``)."""
        missing = [page for page in self._expected if page not in self._arrived]
        return [f"tree {tree_id}" if tree_id else "the trees JSON" for _, tree_id in missing]

    def build_bundle(self) -> TableauBundle:
        """The tableau's bundle; raises pydantic's ``ValidationError`` if it breaks the contract."""
        listings = self.listings or []
        return TableauBundle(
            event_id=self.event_id,
            tableau_id=self.tableau_id,
            trees=[self.trees[tree.tree_id] for tree in listings if tree.tree_id in self.trees],
            complete=not self.failures,
            errors=[CrawlError.from_error(error) for error in self.failures],
        )


def read_tree(page: TableauTreePage) -> TableauTree:
    """Parse one tree's columns; a repechage tree is refused, its markup never having been seen."""
    listing = page.tree
    if listing.is_repechage:
        raise TableauParseError(
            f"tree {listing.name!r} ({listing.tree_id}) is a repechage tree, which is not read as a "
            "plain bracket",
            tree_id=listing.tree_id,
        )
    source = TreeSource(listing.tree_id, listing.name, listing.tree_number, listing.table_count)
    return parse_tableau_html(page.html, source)
