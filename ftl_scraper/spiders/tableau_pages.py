"""What the spiders that crawl DE tableaus share: a tableau's trees JSON, then every tree whole."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from ftl_scraper.errors import FtlError
from ftl_scraper.items import (
    FailedTableauPage,
    PageKind,
    TableauTreePage,
    TableauTreesPage,
    UnchangedTableauPage,
)
from ftl_scraper.parsers import TreeListing, parse_tableau_trees
from ftl_scraper.site.urls import TableauUrls
from ftl_scraper.spiders.base import PAGE_KIND_META, FtlSpider


class TableauPagesSpider(FtlSpider):
    """Base of the spiders that fetch tableaus; a subclass says what a failed tableau page does.

    In a watch (the ``tableau`` spider's), a 304 answer becomes an ``UnchangedTableauPage``, and the
    trees a poll does not fetch (finished ones) are left out.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: in a watch, each tableau's trees of its latest trees JSON (a 304 answer to it lists none)
        self.known_trees: dict[str, Sequence[TreeListing]] = {}

    def tableau_request(self, event_id: str, tableau_id: str) -> scrapy.Request:
        """The tableau's trees JSON; its callback requests each tree's columns."""
        return self.ftl_request(
            TableauUrls(self.base_url, event_id, tableau_id).trees,
            PageKind.TABLEAU_TREES,
            self.parse_tableau_trees,
            errback=self.on_tableau_request_failed,
            event_id=event_id,
            tableau_id=tableau_id,
        )

    def parse_tableau_trees(self, response: Response, event_id: str, tableau_id: str) -> Iterator[Any]:
        if self.unchanged(response):
            yield UnchangedTableauPage(PageKind.TABLEAU_TREES, event_id, tableau_id, url=response.url)
            yield from self.tree_requests(event_id, tableau_id, self.known_trees.get(tableau_id, ()))
            return
        try:
            trees = parse_tableau_trees(response.body)
        except FtlError as error:
            error.with_context(url=response.url)
            yield from self.tableau_page_failed(PageKind.TABLEAU_TREES, error, event_id, tableau_id)
            return
        yield TableauTreesPage(event_id, tableau_id, url=response.url, trees=trees)
        yield from self.tree_requests(event_id, tableau_id, trees)

    def tree_requests(self, event_id: str, tableau_id: str, trees: Sequence[TreeListing]) -> Iterator[Any]:
        """Each tree whole; in a watch, only the trees not finished yet (a tree page holds the
        whole tree, so a finished one cannot change any more)."""
        if self.poller is not None:
            self.known_trees[tableau_id] = trees
            trees = [tree for tree in trees if tree.tree_id not in self.poller.settled]
        urls = TableauUrls(self.base_url, event_id, tableau_id)
        for tree in trees:
            yield self.ftl_request(
                urls.whole_tree(tree.tree_id, tree.table_count),
                PageKind.TABLEAU_TREE,
                self.parse_tableau_tree,
                errback=self.on_tableau_request_failed,
                event_id=event_id,
                tableau_id=tableau_id,
                tree=tree,
            )

    def parse_tableau_tree(
        self, response: Response, event_id: str, tableau_id: str, tree: TreeListing
    ) -> Iterator[TableauTreePage | UnchangedTableauPage]:
        if self.unchanged(response):
            kind = PageKind.TABLEAU_TREE
            yield UnchangedTableauPage(kind, event_id, tableau_id, url=response.url, tree_id=tree.tree_id)
            return
        yield TableauTreePage(event_id, tableau_id, url=response.url, tree=tree, html=response.text)

    def on_tableau_request_failed(self, failure: Failure) -> Iterator[Any]:
        error = self.error_of(failure)
        if error is None:
            return
        request = failure.request  # type: ignore[attr-defined]
        tree: TreeListing | None = request.cb_kwargs.get("tree")
        yield from self.tableau_page_failed(
            request.meta[PAGE_KIND_META],
            error,
            request.cb_kwargs["event_id"],
            request.cb_kwargs["tableau_id"],
            tree.tree_id if tree is not None else None,
        )

    def tableau_page_failed(
        self, kind: PageKind, error: FtlError, event_id: str, tableau_id: str, tree_id: str | None = None
    ) -> Iterator[FailedTableauPage]:
        """Record a tableau page that failed; when failed pages are kept (``keeps_failed_pages``),
        hand it to the pipeline, which counts it as in and so knows when the tableau is done."""
        self.record_error(error.with_context(event_id=event_id, tableau_id=tableau_id, tree_id=tree_id))
        if self.keeps_failed_pages:
            url = error.url or ""
            yield FailedTableauPage(kind, event_id, tableau_id, url=url, error=error, tree_id=tree_id)
