"""One event's pages, gathered until each expected page is folded in or has failed.

It follows ``pool_round_assembly``'s contract one level up: the event starts out expecting its
event page (header and tab bar) and its final results JSON; folding the event page in adds one
``PoolRoundAssembly`` per pool round and one ``TableauAssembly`` per tableau it links, in tab
order. The event is done once both pages are in or failed and every round and tableau is done;
``build_bundle`` then gives the ``EventBundle``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ftl_scraper.errors import FtlError
from ftl_scraper.items import PageKind
from ftl_scraper.models import CrawlError, EventBundle, FinalResult
from ftl_scraper.parsers import EventPage
from ftl_scraper.pipelines.pool_round_assembly import PoolRoundAssembly
from ftl_scraper.pipelines.tableau_assembly import TableauAssembly

if TYPE_CHECKING:
    from ftl_scraper.watch.polling import PollPlan


class EventAssembly:
    """The event page, final results, pool rounds, tableaus and failures of one event."""

    def __init__(self, event_id: str) -> None:
        self.event_id = event_id
        self.page: EventPage | None = None
        #: one per pool round the event page links, in tab order
        self.rounds: dict[str, PoolRoundAssembly] = {}
        #: one per tableau the event page links, in tab order
        self.tableaus: dict[str, TableauAssembly] = {}
        self.final_results: list[FinalResult] | None = None
        #: failures of the event's own pages (the rounds and tableaus keep theirs)
        self.failures: list[FtlError] = []
        self._arrived: set[PageKind] = set()

    def fold_event_page(self, page: EventPage) -> None:
        """The event page is in: expect every pool round and tableau it links, in its tab order
        (in a watch, the rounds and tableaus carried over from the last poll are kept)."""
        self.page = page
        self.rounds = {
            pool_round_id: self.rounds.get(pool_round_id) or PoolRoundAssembly(self.event_id, pool_round_id)
            for pool_round_id in page.pool_round_ids
        }
        self.tableaus = {
            tableau_id: self.tableaus.get(tableau_id) or TableauAssembly(self.event_id, tableau_id)
            for tableau_id in page.tableau_ids
        }
        self._arrived.add(PageKind.EVENT_PAGE)

    def fold_unchanged(self, kind: PageKind) -> None:
        """A watch asked, and FTL says the event page or final results are as at the last poll."""
        self._arrived.add(kind)

    def next_poll(self, plan: PollPlan) -> EventAssembly:
        """The assembly of a watch's next poll of this event: it starts from what this one holds.
        A round or tableau that is settled whole (over) is not fetched again and counts as in;
        the others follow their own ``next_poll``."""
        following = EventAssembly(self.event_id)
        following.page = self.page
        following.final_results = self.final_results
        for pool_round_id, pool_round in self.rounds.items():
            if pool_round_id in plan.settled:
                carried = pool_round.next_poll(settled_pool_ids=pool_round.pool_ids or [], with_results=False)
                carried.fold_unchanged(PageKind.POOL_IDS)
            else:
                with_results = pool_round_id in plan.rounds_with_results
                carried = pool_round.next_poll(settled_pool_ids=plan.settled, with_results=with_results)
            following.rounds[pool_round_id] = carried
        for tableau_id, tableau in self.tableaus.items():
            settled_trees = [tree.tree_id for tree in tableau.listings or []]
            if tableau_id in plan.settled:
                following.tableaus[tableau_id] = tableau.next_poll(settled_tree_ids=settled_trees)
                following.tableaus[tableau_id].fold_unchanged(PageKind.TABLEAU_TREES)
            else:
                following.tableaus[tableau_id] = tableau.next_poll(settled_tree_ids=plan.settled)
        return following

    def fold_final_results(self, rows: list[FinalResult]) -> None:
        self.final_results = rows
        self._arrived.add(PageKind.FINAL_RESULTS)

    def record_failed_page(self, kind: PageKind, error: FtlError) -> None:
        """The event page or final results will not come: counted as in, with its error."""
        self.failures.append(error)
        self._arrived.add(kind)

    def round(self, pool_round_id: str) -> PoolRoundAssembly | None:
        """The assembly of a round the event page linked (None for any other round)."""
        return self.rounds.get(pool_round_id)

    def tableau(self, tableau_id: str) -> TableauAssembly | None:
        """The assembly of a tableau the event page linked (None for any other tableau)."""
        return self.tableaus.get(tableau_id)

    @property
    def is_done(self) -> bool:
        own_pages_in = {PageKind.EVENT_PAGE, PageKind.FINAL_RESULTS} <= self._arrived
        return own_pages_in and all(assembly.is_done for assembly in self._parts())

    @property
    def rounds_done(self) -> int:
        return sum(assembly.is_done for assembly in self.rounds.values())

    def missing_pages(self) -> list[str]:
        """The pages still out, in words (e.g. ``"the event page"``, ``"round R: pool P"``,
        ``"tableau D: tree G"``)."""
        names = {PageKind.EVENT_PAGE: "the event page", PageKind.FINAL_RESULTS: "the final results JSON"}
        missing = [name for kind, name in names.items() if kind not in self._arrived]
        for pool_round_id, assembly in self.rounds.items():
            missing += [f"round {pool_round_id}: {page}" for page in assembly.missing_pages()]
        for tableau_id, tableau in self.tableaus.items():
            missing += [f"tableau {tableau_id}: {page}" for page in tableau.missing_pages()]
        return missing

    @property
    def all_failures(self) -> list[FtlError]:
        """The failures of the event's own pages, then its rounds', then its tableaus'."""
        return self.failures + [error for assembly in self._parts() for error in assembly.failures]

    def _parts(self) -> list[PoolRoundAssembly | TableauAssembly]:
        return [*self.rounds.values(), *self.tableaus.values()]

    def bundle_fields(self) -> dict[str, Any]:
        """The ``EventBundle`` fields (a tournament's item adds its schedule line to them)."""
        pool_rounds = [
            assembly.build_bundle().model_copy(update={"round_number": number})
            for number, assembly in enumerate(self.rounds.values(), start=1)
        ]
        failures = self.all_failures
        page = self.page
        published = page is not None and page.final_results_published
        return {
            "event_id": self.event_id,
            "tournament_id": page.tournament_id if page else None,
            "tournament_name": page.tournament_name if page else None,
            "event_name": page.event_name if page else None,
            "event_time": page.event_time if page else None,
            "pool_rounds": pool_rounds,
            "tableau_ids": page.tableau_ids if page else [],
            "tableaus": [assembly.build_bundle() for assembly in self.tableaus.values()],
            # only a page headed "Final Results" vouches for the JSON (ftl-site.md §8.6)
            "final_results": self.final_results if published else None,
            "complete": not failures,
            "errors": [CrawlError.from_error(error) for error in failures],
        }

    def build_bundle(self) -> EventBundle:
        """The event's bundle; raises pydantic's ``ValidationError`` if it breaks the contract."""
        return EventBundle(**self.bundle_fields())
