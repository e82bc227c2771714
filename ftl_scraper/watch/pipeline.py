"""Turn each poll's bundle into the change lines a watch writes; keep the ``snapshot=`` file up to date."""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, Self

from pydantic_core import to_json
from scrapy.exceptions import DropItem

from ftl_scraper.items import ChangeBatch
from ftl_scraper.output.feedstorage import replace_file_atomically

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from ftl_scraper.models import Contract
    from ftl_scraper.models.changes import ChangeLine
    from ftl_scraper.watch.fencer_filter import FencerFilter
    from ftl_scraper.watch.polling import Poller

logger = logging.getLogger(__name__)


class BundleWatcher(Protocol):
    """What the watch pipeline needs to know about one kind of bundle (``PoolsWatcher``,
    ``TableauWatcher``)."""

    @property
    def bundle_model(self) -> type[Contract]: ...

    def changes(self, previous: Any, current: Any, at: datetime) -> Sequence[ChangeLine]: ...

    def settled(self, bundle: Any) -> frozenset[str]: ...

    def is_over(self, bundle: Any) -> bool: ...

    def members(self, *bundles: Any) -> Mapping[str, Collection[str]]: ...

    def source_unavailable(self, bundle: Any, at: datetime, message: str) -> ChangeLine: ...

    def source_recovered(self, bundle: Any, at: datetime, since: datetime) -> ChangeLine: ...


class WatchingSpider(Protocol):
    poller: Poller | None
    watcher: BundleWatcher
    fencer_filter: FencerFilter | None
    snapshot_path: str | None


class WatchPipeline:
    """After the bundle pipeline: in a watch, compares each poll's bundle with the previous one and
    hands the feed one ``ChangeBatch`` per poll that changed something. Outside a watch, the bundle
    passes through untouched.

    Only the previous bundle is kept, so a day of polls holds no more than one poll does.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.previous: Contract | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        spider: WatchingSpider = self.crawler.spider  # type: ignore[assignment]
        poller = getattr(spider, "poller", None)
        if poller is None:
            return item
        watcher = spider.watcher
        bundle = watcher.bundle_model.model_validate(item)
        at = datetime.now(UTC)
        changes = list(watcher.changes(self.previous, bundle, at))
        source = poller.source_change(at)
        if source is not None and source.kind == "recovered":
            assert source.since is not None
            changes.insert(0, watcher.source_recovered(bundle, at, source.since))
        elif source is not None:
            changes.append(watcher.source_unavailable(bundle, at, source.message))
        if spider.fencer_filter is not None:
            if self.previous is None:
                self._warn_about_absent_fencers(spider.fencer_filter, watcher.members(bundle))
            members = watcher.members(self.previous, bundle)
            changes = [change for change in changes if spider.fencer_filter.keeps(change, members)]
        if spider.snapshot_path and (self.previous is None or bundle != self.previous):
            replace_file_atomically(spider.snapshot_path, to_json(item, indent=2) + b"\n")
        poller.poll_assembled(settled=watcher.settled(bundle), over=watcher.is_over(bundle))
        self.previous = bundle
        self.crawler.stats.inc_value("ftl/watch/changes", len(changes))
        if not changes:
            raise DropItem("no change in this poll", log_level="DEBUG")
        return ChangeBatch([change.model_dump(mode="json") for change in changes])

    @staticmethod
    def _warn_about_absent_fencers(
        fencer_filter: FencerFilter, members: Mapping[str, Collection[str]]
    ) -> None:
        present = {name for names in members.values() for name in names if fencer_filter.tracks(name)}
        if not present:
            logger.warning("none of the fencers given with fencers= is in this round (yet)")
