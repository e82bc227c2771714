"""The `tableau` spider: one DE tableau's trees JSON, then every tree's columns, and what failed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from functools import cached_property
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from ftl_scraper.errors import FtlError
from ftl_scraper.items import FailedTableauPage, PageKind, TableauTreePage, TableauTreesPage
from ftl_scraper.parsers.tableau_trees import TreeListing, parse_tableau_trees
from ftl_scraper.site.urls import TableauUrls
from ftl_scraper.spiders.arguments import TableauArguments
from ftl_scraper.spiders.base import PAGE_KIND_META, FtlSpider


class TableauSpider(FtlSpider):
    """Fetch one DE tableau: its trees JSON, then each tree whole (its columns and the winner column).

    Arguments (``-a``): ``event`` and ``tableau``, or ``url``; ``force_refresh``; ``partial``.
    """

    name = "tableau"
    #: validates the ``-a`` arguments; the ``crawl`` command checks them with it before crawling
    arguments_model: ClassVar[type[TableauArguments]] = TableauArguments

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args:
            raise TypeError("TableauSpider takes keyword arguments only")
        self.arguments = self.arguments_model.parse(kwargs)
        super().__init__()
        self.event_id = self.arguments.event_id
        self.tableau_id = self.arguments.tableau_id
        self.force_refresh = self.arguments.force_refresh
        self.partial = self.arguments.partial

    @cached_property
    def urls(self) -> TableauUrls:
        return TableauUrls(self.base_url, self.event_id, self.tableau_id)

    def error_context(self) -> dict[str, str]:
        return {"event_id": self.event_id, "tableau_id": self.tableau_id}

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self.url_on_ftl():
            return
        yield self.ftl_request(self.urls.trees, PageKind.TABLEAU_TREES, self.parse_trees)

    def parse_trees(self, response: Response) -> Iterator[Any]:
        try:
            trees = parse_tableau_trees(response.body)
        except FtlError as error:
            yield from self._page_failed(PageKind.TABLEAU_TREES, error.with_context(url=response.url))
            return
        yield TableauTreesPage(self.event_id, self.tableau_id, url=response.url, trees=trees)
        for tree in trees:
            yield self.ftl_request(
                self.urls.whole_tree(tree.tree_id, tree.table_count),
                PageKind.TABLEAU_TREE,
                self.parse_tree,
                tree=tree,
            )

    def parse_tree(self, response: Response, tree: TreeListing) -> Iterator[TableauTreePage]:
        yield TableauTreePage(self.event_id, self.tableau_id, url=response.url, tree=tree, html=response.text)

    def on_request_failed(self, failure: Failure) -> Iterator[FailedTableauPage]:
        error = self.error_of(failure)
        if error is None:
            return
        request = failure.request  # type: ignore[attr-defined]
        tree = request.cb_kwargs.get("tree")
        tree_id = tree.tree_id if tree is not None else None
        yield from self._page_failed(request.meta[PAGE_KIND_META], error.with_context(tree_id=tree_id))

    def _page_failed(self, kind: PageKind, error: FtlError) -> Iterator[FailedTableauPage]:
        # in partial mode the pipeline counts the page as in, so it knows when the tableau is done
        self.record_error(error)
        if self.partial:
            yield FailedTableauPage(
                kind, self.event_id, self.tableau_id, url=error.url or "", error=error, tree_id=error.tree_id
            )
