"""What changed in a pool round between two polls: two ``PoolsBundle`` in, change lines out (pure).

Order within one poll: pools in page order (each: added, strip, withdrawals by position, bouts in
bout order, finished), then removed pools, then ``round_finished``, then ``results_published``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from ftl_scraper.models import Pool, PoolBout, PoolResults, PoolsBundle
from ftl_scraper.models.changes import (
    BoutCorrected,
    BoutScore,
    BoutScored,
    FencerWithdrawn,
    PoolAdded,
    PoolFinished,
    PoolRemoved,
    PoolRoundChange,
    PublishedResult,
    ResultsPublished,
    RoundFinished,
    Snapshot,
    SourceRecovered,
    SourceUnavailable,
)
from ftl_scraper.models.changes import PoolStripAssigned as StripAssigned


def is_pool_finished(pool: Pool) -> bool:
    """No bout is left to fence (annulled bouts count as done)."""
    return bool(pool.bouts) and all(bout.status != "pending" for bout in pool.bouts)


def is_round_finished(bundle: PoolsBundle) -> bool:
    return bool(bundle.pools) and all(is_pool_finished(pool) for pool in bundle.pools)


def are_results_published(results: PoolResults | None) -> bool:
    """FTL's ranking says who advanced: at least one fencer is advanced or eliminated."""
    return results is not None and any(fencer.status != "unknown" for fencer in results.fencers)


def is_round_over(bundle: PoolsBundle) -> bool:
    """Nothing more to watch: every pool is finished and the results are published."""
    return is_round_finished(bundle) and are_results_published(bundle.results)


def finished_pool_ids(bundle: PoolsBundle) -> frozenset[str]:
    """Pools a watch need not fetch again."""
    return frozenset(pool.pool_id for pool in bundle.pools if is_pool_finished(pool))


def pool_members(*bundles: PoolsBundle | None) -> dict[str, set[str]]:
    """The fencer names of each pool, over every bundle given (for the fencer filter)."""
    members: dict[str, set[str]] = {}
    for bundle in bundles:
        for pool in bundle.pools if bundle else ():
            members.setdefault(pool.pool_id, set()).update(fencer.name for fencer in pool.fencers)
    return members


def pool_round_changes(
    previous: PoolsBundle | None, current: PoolsBundle, at: datetime
) -> list[PoolRoundChange]:
    """The change lines that lead from ``previous`` to ``current``; a snapshot when there is none."""
    round_ids = {"at": at, "event_id": current.event_id, "pool_round_id": current.pool_round_id}
    if previous is None:
        return [Snapshot(bundle=current, **round_ids)]
    changes: list[PoolRoundChange] = []
    previous_pools = {pool.pool_id: pool for pool in previous.pools}
    for pool in current.pools:
        before = previous_pools.get(pool.pool_id)
        if before is None:
            changes.append(PoolAdded(pool=pool, **_pool_ids(pool, round_ids)))
        else:
            changes.extend(_pool_changes(before, pool, round_ids))
    current_ids = {pool.pool_id for pool in current.pools}
    removed = [pool for pool in previous.pools if pool.pool_id not in current_ids]
    changes.extend(PoolRemoved(**_pool_ids(pool, round_ids)) for pool in removed)
    if is_round_finished(current) and not is_round_finished(previous):
        changes.append(RoundFinished(pool_count=len(current.pools), **round_ids))
    if are_results_published(current.results) and not are_results_published(previous.results):
        assert current.results is not None
        fencers = [
            PublishedResult(
                fencer_id=fencer.fencer_id, name=fencer.name, place=fencer.place, status=fencer.status
            )
            for fencer in current.results.fencers
        ]
        changes.append(ResultsPublished(fencers=fencers, **round_ids))
    return changes


def source_unavailable(bundle: PoolsBundle, at: datetime, message: str) -> SourceUnavailable:
    return SourceUnavailable(
        at=at, event_id=bundle.event_id, pool_round_id=bundle.pool_round_id, message=message
    )


def source_recovered(bundle: PoolsBundle, at: datetime, since: datetime) -> SourceRecovered:
    return SourceRecovered(
        at=at, event_id=bundle.event_id, pool_round_id=bundle.pool_round_id, unavailable_since=since
    )


def _pool_ids(pool: Pool, round_ids: Mapping[str, Any]) -> dict[str, Any]:
    return {**round_ids, "pool_id": pool.pool_id, "pool_number": pool.pool_number}


def _pool_changes(before: Pool, after: Pool, round_ids: Mapping[str, Any]) -> list[PoolRoundChange]:
    ids = _pool_ids(after, round_ids)
    changes: list[PoolRoundChange] = []
    if (before.strip, before.start_time) != (after.strip, after.start_time):
        changes.append(StripAssigned(strip=after.strip, start_time=after.start_time, **ids))
    was_active = {fencer.position for fencer in before.fencers if fencer.status == "active"}
    changes.extend(
        FencerWithdrawn(position=fencer.position, name=fencer.name, status_label=fencer.status_label, **ids)
        for fencer in after.fencers
        if fencer.status == "withdrawn" and fencer.position in was_active
    )
    bouts_before = {(bout.position_a, bout.position_b): bout for bout in before.bouts}
    for bout in after.bouts:
        old = bouts_before.get((bout.position_a, bout.position_b))
        if old is not None:
            changes.extend(_bout_change(old, bout, ids))
    if is_pool_finished(after) and not is_pool_finished(before):
        changes.append(PoolFinished(**ids))
    return changes


def _bout_change(old: PoolBout, new: PoolBout, ids: Mapping[str, Any]) -> list[PoolRoundChange]:
    bout = {
        "position_a": new.position_a,
        "position_b": new.position_b,
        "fencer_a": new.fencer_a,
        "fencer_b": new.fencer_b,
        "score_a": new.score_a,
        "score_b": new.score_b,
        "winner": new.winner,
        **ids,
    }
    if new.status == "complete" and old.status != "complete":
        return [BoutScored(**bout)]
    scored_then_changed = old.status == "complete" and new.status in ("complete", "pending")
    if scored_then_changed and _score(old) != _score(new):
        # an annulled bout is the withdrawal's doing: its fencer_withdrawn line says it
        return [BoutCorrected(previous=_score(old), **bout)]
    return []


def _score(bout: PoolBout) -> BoutScore:
    return BoutScore(score_a=bout.score_a, score_b=bout.score_b, winner=bout.winner)


def fencers_in(change: PoolRoundChange) -> Collection[str] | None:
    """The fencers a bout or withdrawal line names; None for pool- and round-level lines."""
    if isinstance(change, BoutScored | BoutCorrected):
        return (change.fencer_a, change.fencer_b)
    if isinstance(change, FencerWithdrawn):
        return (change.name,)
    return None


class PoolsWatcher:
    """The watch pipeline's view of a pool round (see ``watch.pipeline.BundleWatcher``)."""

    bundle_model = PoolsBundle
    changes = staticmethod(pool_round_changes)
    settled = staticmethod(finished_pool_ids)
    is_over = staticmethod(is_round_over)
    members = staticmethod(pool_members)
    source_unavailable = staticmethod(source_unavailable)
    source_recovered = staticmethod(source_recovered)
