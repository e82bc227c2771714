"""Parse each page of the `pools` crawl, validate it, and fold it into one exported bundle per round
(see ``pool_round_assembly``; the rules shared with the tableau are in ``single_bundle``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ftl_scraper.pipelines.pool_round_assembly import PoolRoundAssembly, PoolRoundPageItem
from ftl_scraper.pipelines.single_bundle import BundleKey, SingleBundlePipeline

if TYPE_CHECKING:
    from ftl_scraper.models import PoolsBundle
    from ftl_scraper.watch.polling import PollPlan


class PoolsBundlePipeline(SingleBundlePipeline[PoolRoundAssembly]):
    """Emits each round's ``PoolsBundle`` in place of the page that completed the round."""

    spider_name = "pools"
    page_items = PoolRoundPageItem
    bundle_noun = "round"

    def key_of(self, item: Any) -> BundleKey:
        return (item.event_id, item.pool_round_id)

    def new_assembly(self, key: BundleKey) -> PoolRoundAssembly:
        return PoolRoundAssembly(*key)

    def next_poll(self, last: PoolRoundAssembly, plan: PollPlan) -> PoolRoundAssembly:
        return last.next_poll(settled_pool_ids=plan.settled, with_results=plan.with_results)

    def count_bundle(self, bundle: PoolsBundle) -> None:
        self.crawler.stats.inc_value("ftl/pools", len(bundle.pools))
