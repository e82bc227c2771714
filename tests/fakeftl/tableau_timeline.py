"""A DE tableau that unfolds frame by frame, with the true change lines of every step (for watch tests).

From a generated tableau whose every bout is fenced (its final state), frame 0 shows the first
column and its byes only. Then, round by round, each bout to fence gets its time and strip, and
then each is decided; a team tableau's bronze-medal bout (its slots filled as the semi-finals are
decided) comes with the final. Each frame records the change lines its steps caused, written here
from what the step did (not by comparing bundles), in the order a watch documents: trees in treeNum
order, bouts left to right and top to bottom, a tree's ``tree_finished`` last. A bout scheduled and
decided between two polls was never seen scheduled: it gets its scored line only.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .frames import FrameTimeline
from .tableau import BRONZE_MEDAL, BYE, FakeTableau, FakeTree, PlannedBout, Side

# a bout of the tableau: its tree ID, column and index in the column
_BoutKey = tuple[str, int, int]
_SCHEDULE, _DECIDE, _FINISHED = 0, 1, 2


@dataclasses.dataclass(frozen=True)
class TableauFrame:
    """What FTL serves at one moment, and the change lines that led here from the frame before."""

    tableau: FakeTableau
    changes: list[dict[str, Any]]


class TableauTimeline(FrameTimeline[TableauFrame]):
    """Frames of one tableau (``FrameTimeline``)."""

    def __init__(self, final: FakeTableau, *, steps_per_frame: int = 1) -> None:
        self.final = final
        super().__init__(_build_frames(final, steps_per_frame=steps_per_frame))

    def serve(self, server: Any, frame: TableauFrame) -> None:
        server.add_tableau(frame.tableau)

    def snapshot_line(self) -> dict[str, Any]:
        """The first line of a watch started at frame 0 (``at`` left out)."""
        bundle = self.frames[0].tableau.expected_bundle()
        return {
            "event_id": self.final.event_id,
            "tableau_id": self.final.tableau_id,
            "type": "snapshot",
            "bundle": bundle,
        }

    def first_finished_frame(self, tree_id: str) -> int:
        """The first frame at which the tree has its winner."""
        for index, frame in enumerate(self.frames):
            if frame.tableau.tree(tree_id).expected().winner is not None:
                return index
        raise ValueError(f"tree {tree_id} never finishes")


class _TableauState:
    """Which bouts are announced and decided, and which bronze-medal slots are still empty."""

    def __init__(self, final: FakeTableau) -> None:
        self.final = final
        self.scheduled: set[_BoutKey] = set()
        self.decided: set[_BoutKey] = {
            (tree.tree_id, 0, index)
            for tree in final.trees
            for index, bout in enumerate(tree.bouts[0])
            if bout.side_a is BYE or bout.side_b is BYE
        }
        self.empty_slots: dict[str, set[int]] = {
            tree.tree_id: set(range(len(tree.first_column))) if tree.name == BRONZE_MEDAL else set()
            for tree in final.trees
        }

    def tableau(self) -> FakeTableau:
        return dataclasses.replace(self.final, trees=[self._tree(tree) for tree in self.final.trees])

    def _tree(self, final: FakeTree) -> FakeTree:
        empty = self.empty_slots[final.tree_id]
        first_column = [None if index in empty else side for index, side in enumerate(final.first_column)]
        columns: list[list[PlannedBout]] = []
        sides: list[Side] = first_column
        for column, final_bouts in enumerate(final.bouts):
            bouts = [
                self._bout((final.tree_id, column, index), bout, sides[2 * index], sides[2 * index + 1])
                for index, bout in enumerate(final_bouts)
            ]
            columns.append(bouts)
            sides = [bout.winner_side for bout in bouts]
        return dataclasses.replace(final, first_column=first_column, bouts=columns)

    def _bout(self, key: _BoutKey, final: PlannedBout, side_a: Side, side_b: Side) -> PlannedBout:
        if key in self.decided:
            assert (side_a, side_b) == (final.side_a, final.side_b), "a bout decided before its fencers came"
            return dataclasses.replace(final)
        if key in self.scheduled:
            return PlannedBout(side_a, side_b, time=final.time, strip=final.strip, announced=True)
        return PlannedBout(side_a, side_b)


def _build_frames(final: FakeTableau, *, steps_per_frame: int) -> list[TableauFrame]:
    state = _TableauState(final)
    frames = [TableauFrame(state.tableau(), [])]
    trees = {tree.tree_id: tree for tree in final.trees}
    expected = {tree.tree_id: tree.expected() for tree in final.trees}
    main = next(tree for tree in final.trees if tree.name != BRONZE_MEDAL)
    bronze = next((tree for tree in final.trees if tree.name == BRONZE_MEDAL), None)

    steps: list[tuple[int, _BoutKey]] = []
    for column in range(main.table_count):
        batch = [
            (main.tree_id, column, index)
            for index, bout in enumerate(main.bouts[column])
            if bout.side_a is not BYE and bout.side_b is not BYE
        ]
        if bronze is not None and column == main.table_count - 1:
            batch.insert(0, (bronze.tree_id, 0, 0))
        steps += [(_SCHEDULE, key) for key in batch if trees[key[0]].bouts[key[1]][key[2]].time]
        steps += [(_DECIDE, key) for key in batch]

    def tree_ids(tree_id: str) -> dict[str, Any]:
        return {
            "event_id": final.event_id,
            "tableau_id": final.tableau_id,
            "tree_id": tree_id,
            "tree_name": trees[tree_id].name,
        }

    for start in range(0, len(steps), steps_per_frame):
        batch_steps = steps[start : start + steps_per_frame]
        decided_now = {key for kind, key in batch_steps if kind == _DECIDE}
        lines: list[tuple[tuple[int, int, int, int], dict[str, Any]]] = []
        for kind, key in batch_steps:
            tree_id, column, index = key
            tree = expected[tree_id]
            bout = tree.rounds[column].bouts[index]
            line: dict[str, Any] = {
                **tree_ids(tree_id),
                "round_label": tree.rounds[column].label,
                "number": bout.number,
                "fencer_a": bout.fencer_a.model_dump(mode="json") if bout.fencer_a else None,
                "fencer_b": bout.fencer_b.model_dump(mode="json") if bout.fencer_b else None,
            }
            order = (tree.tree_number, column, index, kind)
            if kind == _SCHEDULE:
                state.scheduled.add(key)
                if key not in decided_now:
                    lines.append(
                        (order, {**line, "type": "de_bout_scheduled", "time": bout.time, "strip": bout.strip})
                    )
                continue
            state.decided.add(key)
            outcome = {
                "score_a": bout.score_a,
                "score_b": bout.score_b,
                "winner": bout.winner,
                "status": bout.status,
                "result_label": bout.result_label,
            }
            lines.append((order, {**line, "type": "de_bout_scored", **outcome}))
            if tree_id == main.tree_id and bronze is not None and column == main.table_count - 2:
                state.empty_slots[bronze.tree_id].discard(index)  # the semi's loser fences for bronze
            if column == len(tree.rounds) - 1:
                assert tree.winner is not None
                finished = {
                    **tree_ids(tree_id),
                    "type": "tree_finished",
                    "winner": tree.winner.model_dump(mode="json"),
                }
                lines.append(((tree.tree_number, column + 1, 0, _FINISHED), finished))
        lines.sort(key=lambda pair: pair[0])
        frames.append(TableauFrame(state.tableau(), [line for _, line in lines]))
    return frames
