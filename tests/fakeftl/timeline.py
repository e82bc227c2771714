"""A pool round that unfolds frame by frame, with the true change lines of every step (for watch tests).

From a generated event (its final state), frame 0 is the round before it starts: no strips, every
bout pending, no ranking. Then strips are assigned, withdrawals happen, bouts are scored one by one
(one of them first with a wrong score, corrected a little later), pools finish, and finally the
ranking is published. Each frame records the change lines it causes, written here from what the
step did (not by comparing bundles), in the order a watch documents: pools in page order (strip,
withdrawals, bouts, finished), then ``round_finished``, then ``results_published``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ftl_scraper.models import Pool, PoolBout, PoolFencer, PoolResults

from .event import FakeEvent, fencer_totals, round_half_up
from .frames import FrameTimeline


@dataclasses.dataclass(frozen=True)
class Frame:
    """What FTL serves at one moment, and the change lines that led here from the frame before."""

    event: FakeEvent
    changes: list[dict[str, Any]]


class RoundTimeline(FrameTimeline[Frame]):
    """Frames of one round (``FrameTimeline``)."""

    def __init__(self, final: FakeEvent, *, bouts_per_frame: int = 1, strips_per_frame: int = 2) -> None:
        self.final = final
        super().__init__(
            _build_frames(final, bouts_per_frame=bouts_per_frame, strips_per_frame=strips_per_frame)
        )

    def serve(self, server: Any, frame: Frame) -> None:
        server.add_event(frame.event)

    def snapshot_line(self) -> dict[str, Any]:
        """The first line of a watch started at frame 0 (``at`` left out)."""
        return {**self._round_ids(), "type": "snapshot", "bundle": self.frames[0].event.expected_bundle()}

    def first_finished_frame(self, pool_id: str) -> int:
        """The first frame at which the pool has no pending bout."""
        for index, frame in enumerate(self.frames):
            if _finished(frame.event.pool(pool_id)):
                return index
        raise ValueError(f"pool {pool_id} never finishes")

    def _round_ids(self) -> dict[str, Any]:
        return {"event_id": self.final.event_id, "pool_round_id": self.final.pool_round_id}


# ---------------------------------------------------------------- building the frames


class _RoundState:
    """The round as it stands: per pool its strip, withdrawn positions and bouts."""

    def __init__(self, final: FakeEvent) -> None:
        self.final = final
        self.strips: dict[str, tuple[str | None, str | None]] = {p.pool_id: (None, None) for p in final.pools}
        self.withdrawn: dict[str, set[int]] = {pool.pool_id: set() for pool in final.pools}
        self.bouts: dict[str, list[PoolBout]] = {
            pool.pool_id: [
                bout.model_copy(
                    update={"score_a": None, "score_b": None, "winner": None, "status": "pending"}
                )
                for bout in pool.bouts
            ]
            for pool in final.pools
        }
        self.published = False

    def event(self) -> FakeEvent:
        pools = [self._pool(pool) for pool in self.final.pools]
        if self.published:
            return dataclasses.replace(self.final, pools=pools)
        unranked = PoolResults(
            event_id=self.final.event_id, pool_round_id=self.final.pool_round_id, fencers=[]
        )
        return dataclasses.replace(self.final, pools=pools, results=unranked, results_json=[])

    def _pool(self, final: Pool) -> Pool:
        strip, start_time = self.strips[final.pool_id]
        bouts = list(self.bouts[final.pool_id])  # a frame keeps its own list: later steps change this one
        fencers = [self._fencer(fencer, bouts, final.pool_id) for fencer in final.fencers]
        return final.model_copy(
            update={"strip": strip, "start_time": start_time, "fencers": fencers, "bouts": bouts}
        )

    def _fencer(self, final: PoolFencer, bouts: list[PoolBout], pool_id: str) -> PoolFencer:
        if final.position in self.withdrawn[pool_id]:
            return final
        totals = fencer_totals(bouts, final.position)
        return final.model_copy(
            update={
                "status": "active",
                "status_label": None,
                "victories": totals.victories,
                "victory_ratio": round_half_up(totals.ratio, 2),
                "touches_scored": totals.touches_scored,
                "touches_received": totals.touches_received,
                "indicator": totals.indicator,
            }
        )


def _finished(pool: Pool) -> bool:
    return all(bout.status != "pending" for bout in pool.bouts)


def _build_frames(final: FakeEvent, *, bouts_per_frame: int, strips_per_frame: int) -> list[Frame]:
    state = _RoundState(final)
    round_ids = {"event_id": final.event_id, "pool_round_id": final.pool_round_id}
    frames = [Frame(state.event(), [])]
    order = {pool.pool_id: index for index, pool in enumerate(final.pools)}

    def pool_ids(pool: Pool) -> dict[str, Any]:
        return {**round_ids, "pool_id": pool.pool_id, "pool_number": pool.pool_number}

    def emit(
        lines_by_pool: dict[str, list[dict[str, Any]]], tail: list[dict[str, Any]] | None = None
    ) -> None:
        lines = [
            line
            for pool_id in sorted(lines_by_pool, key=order.__getitem__)
            for line in lines_by_pool[pool_id]
        ]
        frames.append(Frame(state.event(), lines + (tail or [])))

    # strips, a few pools at a time
    with_strip = [pool for pool in final.pools if pool.strip or pool.start_time]
    for start in range(0, len(with_strip), strips_per_frame):
        lines: dict[str, list[dict[str, Any]]] = {}
        for pool in with_strip[start : start + strips_per_frame]:
            state.strips[pool.pool_id] = (pool.strip, pool.start_time)
            lines[pool.pool_id] = [
                {
                    **pool_ids(pool),
                    "type": "pool_strip_assigned",
                    "strip": pool.strip,
                    "start_time": pool.start_time,
                }
            ]
        emit(lines)

    # withdrawals, before the withdrawn fencer fences: their bouts become annulled
    for pool in final.pools:
        for fencer in pool.fencers:
            if fencer.status != "withdrawn":
                continue
            state.withdrawn[pool.pool_id].add(fencer.position)
            state.bouts[pool.pool_id] = [
                final_bout if fencer.position in (final_bout.position_a, final_bout.position_b) else bout
                for bout, final_bout in zip(state.bouts[pool.pool_id], pool.bouts, strict=True)
            ]
            line = {
                **pool_ids(pool),
                "type": "fencer_withdrawn",
                "position": fencer.position,
                "name": fencer.name,
                "status_label": fencer.status_label,
            }
            emit({pool.pool_id: [line]})

    # bouts, round-robin over the pools; the first pool's first bout is scored wrong, then corrected
    queues = {
        pool.pool_id: [(index, bout) for index, bout in enumerate(pool.bouts) if bout.status == "complete"]
        for pool in final.pools
    }
    scoring: list[tuple[Pool, int, PoolBout]] = []
    while any(queues.values()):
        for pool in final.pools:
            if queues[pool.pool_id]:
                index, bout = queues[pool.pool_id].pop(0)
                scoring.append((pool, index, bout))
    corrected_pool, corrected_index, corrected_final = scoring[0]
    wrong = corrected_final.model_copy(
        update={
            "score_a": corrected_final.score_b,
            "score_b": corrected_final.score_a,
            "winner": "B" if corrected_final.winner == "A" else "A",
        }
    )
    correct_after = next(
        position for position, (pool, _, _) in enumerate(scoring[1:], 1) if pool is corrected_pool
    )
    steps: list[tuple[Pool, int, PoolBout]] = [(corrected_pool, corrected_index, wrong), *scoring[1:]]
    steps.insert(correct_after + 1, (corrected_pool, corrected_index, corrected_final))
    round_done = False
    for start in range(0, len(steps), bouts_per_frame):
        lines = {}
        for pool, index, bout in steps[start : start + bouts_per_frame]:
            before = state.bouts[pool.pool_id][index]
            state.bouts[pool.pool_id][index] = bout
            line = {
                **pool_ids(pool),
                "type": "bout_scored",
                "position_a": bout.position_a,
                "position_b": bout.position_b,
                "fencer_a": bout.fencer_a,
                "fencer_b": bout.fencer_b,
                "score_a": bout.score_a,
                "score_b": bout.score_b,
                "winner": bout.winner,
            }
            if before.status == "complete":
                line["type"] = "bout_corrected"
                line["previous"] = {
                    "score_a": before.score_a,
                    "score_b": before.score_b,
                    "winner": before.winner,
                }
            lines.setdefault(pool.pool_id, []).append(line)
        for pool_id, pool_lines in lines.items():
            pool = final.pool(pool_id)
            pool_lines.sort(key=lambda line: (line["position_a"], line["position_b"]))
            if all(bout.status != "pending" for bout in state.bouts[pool_id]):
                pool_lines.append({**pool_ids(pool), "type": "pool_finished"})
        tail = []
        if not round_done and all(
            bout.status != "pending" for bouts in state.bouts.values() for bout in bouts
        ):
            round_done = True
            tail.append({**round_ids, "type": "round_finished", "pool_count": len(final.pools)})
        emit(lines, tail)

    # the ranking
    state.published = True
    fencers = [
        {"fencer_id": fencer.fencer_id, "name": fencer.name, "place": fencer.place, "status": fencer.status}
        for fencer in final.results.fencers
    ]
    emit({}, [{**round_ids, "type": "results_published", "fencers": fencers}])
    return frames
