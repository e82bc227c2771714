"""What changed in a whole event between two polls: two ``EventBundle`` in, change lines out (pure).

Order within one poll: pool rounds in tab order (a new one: its ``pool_round_appeared``; a known
one: its own watch's lines), then tableaus in tab order (likewise, ``tableau_appeared``), then
``final_results_published``. A round or tableau is compared with its own previous state, so its
lines are exactly those its own watch would write.
"""

from __future__ import annotations

from datetime import datetime

from ftl_scraper.models import EventBundle
from ftl_scraper.models.changes import ChangeLine
from ftl_scraper.models.event_changes import (
    EventSnapshot,
    EventSourceRecovered,
    EventSourceUnavailable,
    FinalResultsPublished,
    PoolRoundAppeared,
    TableauAppeared,
)
from ftl_scraper.watch.pools_changes import finished_pool_ids, is_round_over, pool_members, pool_round_changes
from ftl_scraper.watch.tableau_changes import (
    finished_tree_ids,
    is_tableau_over,
    tableau_changes,
    tableau_members,
)


def are_final_results_published(bundle: EventBundle) -> bool:
    """The event page is headed "Final Results" and the JSON ranks someone (the bundle has them only then)."""
    return bool(bundle.final_results)


def event_changes(previous: EventBundle | None, current: EventBundle, at: datetime) -> list[ChangeLine]:
    """The change lines that lead from ``previous`` to ``current``; a snapshot when there is none."""
    if previous is None:
        return [EventSnapshot(at=at, event_id=current.event_id, bundle=current)]
    changes: list[ChangeLine] = []
    previous_rounds = {pool_round.pool_round_id: pool_round for pool_round in previous.pool_rounds}
    for pool_round in current.pool_rounds:
        before = previous_rounds.get(pool_round.pool_round_id)
        if before is None:
            changes.append(
                PoolRoundAppeared(
                    at=at,
                    event_id=current.event_id,
                    pool_round_id=pool_round.pool_round_id,
                    bundle=pool_round,
                )
            )
        else:
            changes.extend(pool_round_changes(before, pool_round, at))
    previous_tableaus = {tableau.tableau_id: tableau for tableau in previous.tableaus}
    for tableau in current.tableaus:
        before_tableau = previous_tableaus.get(tableau.tableau_id)
        if before_tableau is None:
            changes.append(
                TableauAppeared(
                    at=at, event_id=current.event_id, tableau_id=tableau.tableau_id, bundle=tableau
                )
            )
        else:
            changes.extend(tableau_changes(before_tableau, tableau, at))
    if are_final_results_published(current) and not are_final_results_published(previous):
        assert current.final_results is not None
        changes.append(
            FinalResultsPublished(at=at, event_id=current.event_id, final_results=current.final_results)
        )
    return changes


def settled_parts(bundle: EventBundle) -> frozenset[str]:
    """What a watch need not fetch again: finished pools and trees, and whole rounds and tableaus
    that are over (IDs of every kind are FTL's 32-hex IDs, so one set holds them all)."""
    settled: set[str] = set()
    for pool_round in bundle.pool_rounds:
        settled |= finished_pool_ids(pool_round)
        if is_round_over(pool_round):
            settled.add(pool_round.pool_round_id)
    for tableau in bundle.tableaus:
        settled |= finished_tree_ids(tableau)
        if is_tableau_over(tableau):
            settled.add(tableau.tableau_id)
    return frozenset(settled)


def event_members(*bundles: EventBundle | None) -> dict[str, set[str]]:
    """The fencer names of each pool and each tree, over every bundle given (for the fencer filter)."""
    members: dict[str, set[str]] = {}
    for bundle in bundles:
        if bundle is None:
            continue
        for part_members in (pool_members(*bundle.pool_rounds), tableau_members(*bundle.tableaus)):
            for part_id, names in part_members.items():
                members.setdefault(part_id, set()).update(names)
    return members


def source_unavailable(bundle: EventBundle, at: datetime, message: str) -> EventSourceUnavailable:
    return EventSourceUnavailable(at=at, event_id=bundle.event_id, message=message)


def source_recovered(bundle: EventBundle, at: datetime, since: datetime) -> EventSourceRecovered:
    return EventSourceRecovered(at=at, event_id=bundle.event_id, unavailable_since=since)


class EventWatcher:
    """The watch pipeline's view of a whole event (see ``watch.pipeline.BundleWatcher``): over once
    the final results are published."""

    bundle_model = EventBundle
    changes = staticmethod(event_changes)
    settled = staticmethod(settled_parts)
    is_over = staticmethod(are_final_results_published)
    members = staticmethod(event_members)
    source_unavailable = staticmethod(source_unavailable)
    source_recovered = staticmethod(source_recovered)
