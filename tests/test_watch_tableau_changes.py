"""The tableau change detector on hand-made pairs of bundles: corrections, moved strips, trees."""

from __future__ import annotations

from datetime import UTC, datetime

from ftl_scraper.models import TableauBout, TableauBundle, TableauTree
from ftl_scraper.models.tableau_changes import DeBoutScheduled, DeBoutScored, TreeFinished
from ftl_scraper.watch.fencer_filter import FencerFilter
from ftl_scraper.watch.tableau_changes import finished_tree_ids, is_tableau_over, tableau_changes
from tests.fakeftl import generate_tableau

AT = datetime(2026, 4, 18, 14, 2, tzinfo=UTC)
FINAL = TableauBundle.model_validate(generate_tableau(seed=5, size=8, team=True).expected_bundle())


def with_bout(
    bundle: TableauBundle, tree_index: int, round_index: int, bout_index: int, **update: object
) -> TableauBundle:
    """The bundle with one bout changed (and, with ``winner`` in ``tree_winner``, its tree's winner)."""
    tree_winner = update.pop("tree_winner", "keep")
    trees = list(bundle.trees)
    tree = trees[tree_index]
    rounds = list(tree.rounds)
    bouts = list(rounds[round_index].bouts)
    bouts[bout_index] = bouts[bout_index].model_copy(update=update)
    rounds[round_index] = rounds[round_index].model_copy(update={"bouts": bouts})
    changes: dict[str, object] = {"rounds": rounds}
    if tree_winner != "keep":
        changes["winner"] = tree_winner
    trees[tree_index] = tree.model_copy(update=changes)
    return bundle.model_copy(update={"trees": trees})


def main_tree_index() -> int:
    return next(index for index, tree in enumerate(FINAL.trees) if tree.name != "Bronze Medal")


def a_fenced_bout() -> tuple[int, TableauTree, TableauBout]:
    index = main_tree_index()
    tree = FINAL.trees[index]
    bout = next(bout for bout in tree.rounds[0].bouts if bout.status == "complete")
    return index, tree, bout


def test_the_first_poll_is_a_snapshot_and_an_unchanged_one_says_nothing() -> None:
    [snapshot] = tableau_changes(None, FINAL, AT)

    assert snapshot.model_dump()["bundle"] == FINAL.model_dump()
    assert tableau_changes(FINAL, FINAL, AT) == []


def test_a_corrected_result_is_scored_again() -> None:
    index, tree, bout = a_fenced_bout()
    assert bout.score_a is not None
    assert bout.score_b is not None
    corrected = with_bout(FINAL, index, 0, bout.number - 1, score_a=bout.score_a + 1)

    [change] = tableau_changes(FINAL, corrected, AT)

    assert isinstance(change, DeBoutScored)
    assert (change.tree_id, change.round_label, change.number) == (
        tree.tree_id,
        tree.rounds[0].label,
        bout.number,
    )
    assert (change.score_a, change.score_b, change.winner) == (bout.score_a + 1, bout.score_b, bout.winner)


def test_a_moved_strip_is_announced_again_and_a_vanished_one_is_not() -> None:
    index, _tree, bout = a_fenced_bout()
    waiting = with_bout(
        FINAL,
        index,
        0,
        bout.number - 1,
        winner=None,
        score_a=None,
        score_b=None,
        status="scheduled",
        result_label=None,
        time="4:30 PM",
        strip="12",
        tree_winner=None,
    )
    moved = with_bout(waiting, index, 0, bout.number - 1, strip="Blue")
    vanished = with_bout(waiting, index, 0, bout.number - 1, time=None, strip=None)

    [change] = tableau_changes(waiting, moved, AT)
    assert isinstance(change, DeBoutScheduled)
    assert (change.time, change.strip, change.fencer_a) == ("4:30 PM", "Blue", bout.fencer_a)
    assert tableau_changes(waiting, vanished, AT) == []


def test_a_tree_finishes_once_and_a_tree_seen_first_says_nothing() -> None:
    index = main_tree_index()
    tree = FINAL.trees[index]
    unfinished = FINAL.model_copy(
        update={"trees": [t.model_copy(update={"winner": None}) if t is tree else t for t in FINAL.trees]}
    )
    without_tree = FINAL.model_copy(update={"trees": [t for t in FINAL.trees if t is not tree]})

    [change] = tableau_changes(unfinished, FINAL, AT)
    assert isinstance(change, TreeFinished)
    assert (change.tree_id, change.winner) == (tree.tree_id, tree.winner)
    assert tableau_changes(without_tree, FINAL, AT) == []
    assert not is_tableau_over(unfinished)
    assert is_tableau_over(FINAL)
    assert finished_tree_ids(unfinished) == {t.tree_id for t in FINAL.trees} - {tree.tree_id}


def test_the_fencer_filter_keeps_the_bouts_naming_a_tracked_fencer_and_every_tree_line() -> None:
    index, tree, bout = a_fenced_bout()
    assert bout.fencer_a is not None
    assert bout.fencer_b is not None
    corrected = with_bout(FINAL, index, 0, bout.number - 1, result_label="Corrected")
    [change] = tableau_changes(FINAL, corrected, AT)
    finished = TreeFinished(
        at=AT,
        event_id=FINAL.event_id,
        tableau_id=FINAL.tableau_id,
        tree_id=tree.tree_id,
        tree_name=tree.name,
        winner=bout.fencer_a,
    )

    assert FencerFilter.parse(bout.fencer_b.name.upper()).keeps(change, {})
    assert not FencerFilter.parse("NOBODY Here").keeps(change, {})
    assert FencerFilter.parse("NOBODY Here").keeps(finished, {})
