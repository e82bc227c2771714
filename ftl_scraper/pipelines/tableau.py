"""Parse each page of the `tableau` crawl, and emit the tableau's bundle as soon as every page of it
is in or has failed (see ``tableau_assembly``; the rules shared with pools are in ``single_bundle``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ftl_scraper.pipelines.single_bundle import BundleKey, SingleBundlePipeline
from ftl_scraper.pipelines.tableau_assembly import TableauAssembly, TableauPageItem

if TYPE_CHECKING:
    from ftl_scraper.models import TableauBundle
    from ftl_scraper.watch.polling import PollPlan


class TableauBundlePipeline(SingleBundlePipeline[TableauAssembly]):
    """Emits each tableau's ``TableauBundle`` in place of the page that completed it."""

    spider_name = "tableau"
    page_items = TableauPageItem
    bundle_noun = "tableau"

    def key_of(self, item: Any) -> BundleKey:
        return (item.event_id, item.tableau_id)

    def new_assembly(self, key: BundleKey) -> TableauAssembly:
        return TableauAssembly(*key)

    def next_poll(self, last: TableauAssembly, plan: PollPlan) -> TableauAssembly:
        return last.next_poll(settled_tree_ids=plan.settled)

    def count_bundle(self, bundle: TableauBundle) -> None:
        self.crawler.stats.inc_value("ftl/trees", len(bundle.trees))
