"""What changed in a DE tableau between two polls: two ``TableauBundle`` in, change lines out (pure).

Order within one poll: trees in the bundle's order; in each, rounds left to right and bouts top to
bottom (a bout's ``de_bout_scheduled`` before its ``de_bout_scored``), then the tree's ``tree_finished``.
A bout scheduled and decided between two polls was never seen scheduled: it gets its scored line only.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from ftl_scraper.models import TableauBout, TableauBundle, TableauTree
from ftl_scraper.models.changes import ChangeLine
from ftl_scraper.models.tableau_changes import (
    DeBoutChange,
    DeBoutScheduled,
    DeBoutScored,
    TableauSnapshot,
    TableauSourceRecovered,
    TableauSourceUnavailable,
    TreeFinished,
)

_DECIDED = ("complete", "walkover")


def is_tree_finished(tree: TableauTree) -> bool:
    return tree.winner is not None


def is_tableau_over(bundle: TableauBundle) -> bool:
    """Nothing more to watch: every tree has its winner."""
    return bool(bundle.trees) and all(is_tree_finished(tree) for tree in bundle.trees)


def finished_tree_ids(bundle: TableauBundle) -> frozenset[str]:
    """Trees a watch need not fetch again (a tree page holds the whole tree)."""
    return frozenset(tree.tree_id for tree in bundle.trees if is_tree_finished(tree))


def tableau_changes(previous: TableauBundle | None, current: TableauBundle, at: datetime) -> list[ChangeLine]:
    """The change lines that lead from ``previous`` to ``current``; a snapshot when there is none."""
    tableau_ids = {"at": at, "event_id": current.event_id, "tableau_id": current.tableau_id}
    if previous is None:
        return [TableauSnapshot(bundle=current, **tableau_ids)]
    changes: list[ChangeLine] = []
    previous_trees = {tree.tree_id: tree for tree in previous.trees}
    for tree in current.trees:
        before = previous_trees.get(tree.tree_id)
        if before is not None:
            changes.extend(_tree_changes(before, tree, tableau_ids))
    return changes


def _tree_changes(
    before: TableauTree, after: TableauTree, tableau_ids: Mapping[str, Any]
) -> list[ChangeLine]:
    tree_ids = {**tableau_ids, "tree_id": after.tree_id, "tree_name": after.name}
    changes: list[ChangeLine] = []
    bouts_before = {(round_.label, bout.number): bout for round_ in before.rounds for bout in round_.bouts}
    for round_ in after.rounds:
        for bout in round_.bouts:
            old = bouts_before.get((round_.label, bout.number))
            if old is not None:
                changes.extend(_bout_changes(old, bout, {**tree_ids, "round_label": round_.label}))
    if after.winner is not None and before.winner is None:
        changes.append(TreeFinished(winner=after.winner, **tree_ids))
    return changes


def _bout_changes(old: TableauBout, new: TableauBout, ids: Mapping[str, Any]) -> list[ChangeLine]:
    bout = {"number": new.number, "fencer_a": new.fencer_a, "fencer_b": new.fencer_b, **ids}
    if new.status in _DECIDED:
        assert new.winner is not None
        outcome = (new.winner, new.score_a, new.score_b, new.status, new.result_label)
        if outcome == (old.winner, old.score_a, old.score_b, old.status, old.result_label):
            return []
        return [
            DeBoutScored(
                score_a=new.score_a,
                score_b=new.score_b,
                winner=new.winner,
                status=new.status,
                result_label=new.result_label,
                **bout,
            )
        ]
    announced = (new.time, new.strip)
    if announced != (None, None) and announced != (old.time, old.strip):
        return [DeBoutScheduled(time=new.time, strip=new.strip, **bout)]
    return []


def fencers_named(change: ChangeLine) -> Collection[str] | None:
    """The fencers a bout line names; None for tree- and tableau-level lines."""
    if isinstance(change, DeBoutChange):
        return tuple(fencer.name for fencer in (change.fencer_a, change.fencer_b) if fencer is not None)
    return None


def tableau_members(*bundles: TableauBundle | None) -> dict[str, set[str]]:
    """The fencer names of each tree, over every bundle given (to warn about a filter naming nobody)."""
    members: dict[str, set[str]] = {}
    for bundle in bundles:
        for tree in bundle.trees if bundle else ():
            names = members.setdefault(tree.tree_id, set())
            for round_ in tree.rounds:
                for bout in round_.bouts:
                    names.update(fencer.name for fencer in (bout.fencer_a, bout.fencer_b) if fencer)
    return members


def source_unavailable(bundle: TableauBundle, at: datetime, message: str) -> TableauSourceUnavailable:
    return TableauSourceUnavailable(
        at=at, event_id=bundle.event_id, tableau_id=bundle.tableau_id, message=message
    )


def source_recovered(bundle: TableauBundle, at: datetime, since: datetime) -> TableauSourceRecovered:
    return TableauSourceRecovered(
        at=at, event_id=bundle.event_id, tableau_id=bundle.tableau_id, unavailable_since=since
    )


class TableauWatcher:
    """The watch pipeline's view of a DE tableau (see ``watch.pipeline.BundleWatcher``)."""

    bundle_model = TableauBundle
    changes = staticmethod(tableau_changes)
    settled = staticmethod(finished_tree_ids)
    is_over = staticmethod(is_tableau_over)
    members = staticmethod(tableau_members)
    source_unavailable = staticmethod(source_unavailable)
    source_recovered = staticmethod(source_recovered)
