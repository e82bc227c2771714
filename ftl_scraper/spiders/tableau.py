"""The `tableau` spider: one DE tableau's trees JSON, then every tree's columns, and what failed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import scrapy

from ftl_scraper.spiders.arguments import TableauArguments
from ftl_scraper.spiders.tableau_pages import TableauPagesSpider
from ftl_scraper.watch.polling import PollPlan

if TYPE_CHECKING:
    from ftl_scraper.watch.pipeline import BundleWatcher


class TableauSpider(TableauPagesSpider):
    """Fetch one DE tableau: its trees JSON, then each tree whole (its columns and the winner column).

    Arguments (``-a``): ``event`` and ``tableau``, or ``url``; ``force_refresh``; ``partial``;
    ``watch`` (seconds between polls) with ``fencers`` and ``snapshot``.

    In a watch, every poll fetches the trees JSON and the trees not finished yet; the watch
    pipeline writes what changed, and the watch ends once every tree has its winner.
    """

    name = "tableau"
    arguments_model: ClassVar[type[TableauArguments]] = TableauArguments
    arguments: TableauArguments

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event_id = self.arguments.event_id
        self.tableau_id = self.arguments.tableau_id

    def make_watcher(self) -> BundleWatcher:
        from ftl_scraper.watch.tableau_changes import TableauWatcher

        return TableauWatcher()

    def error_context(self) -> dict[str, str]:
        return {"event_id": self.event_id, "tableau_id": self.tableau_id}

    def poll_requests(self) -> list[scrapy.Request]:
        """The trees JSON, first page of a crawl or of a watch's poll (it requests the trees)."""
        poller = self.poller
        if poller is not None:
            poller.plan = PollPlan(poller.poll_number, settled=poller.settled, with_results=False)
        return [self.tableau_request(self.event_id, self.tableau_id)]
