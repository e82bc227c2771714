"""The pool-round change detector: two bundles in, the change lines between them out."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from ftl_scraper.models import PoolsBundle
from ftl_scraper.watch.pools_changes import (
    finished_pool_ids,
    is_round_over,
    pool_round_changes,
)
from tests.fakeftl import RoundTimeline, generate_event

AT = datetime(2026, 4, 18, 9, 30, tzinfo=UTC)


def bundle_of(timeline: RoundTimeline, index: int) -> PoolsBundle:
    return PoolsBundle.model_validate(timeline.frames[index].event.expected_bundle())


def lines(previous: PoolsBundle | None, current: PoolsBundle) -> list[dict[str, Any]]:
    dumped = [change.model_dump(mode="json") for change in pool_round_changes(previous, current, AT)]
    assert all(line.pop("at") == "2026-04-18T09:30:00Z" for line in dumped)
    return dumped


@pytest.fixture(scope="module", params=[1, 4], ids=["one-bout-per-step", "four-bouts-per-step"])
def timeline(request: pytest.FixtureRequest) -> RoundTimeline:
    event = generate_event(seed=8, pool_count=5, pool_sizes=(6, 5), medical_withdrawals=1, failed_to_appear=1)
    return RoundTimeline(event, bouts_per_frame=request.param)


@pytest.fixture(scope="module")
def round_bundle() -> PoolsBundle:
    return PoolsBundle.model_validate(generate_event(seed=8, pool_count=3).expected_bundle())


def test_every_step_gives_exactly_the_changes_it_made(timeline: RoundTimeline) -> None:
    for index in range(1, len(timeline.frames)):
        assert (
            lines(bundle_of(timeline, index - 1), bundle_of(timeline, index))
            == timeline.frames[index].changes
        )


def test_the_first_poll_gives_one_snapshot_line(timeline: RoundTimeline) -> None:
    assert lines(None, bundle_of(timeline, 0)) == [timeline.snapshot_line()]


def test_the_same_round_twice_gives_no_line(timeline: RoundTimeline) -> None:
    for index in (0, len(timeline.frames) // 2, len(timeline.frames) - 1):
        assert lines(bundle_of(timeline, index), bundle_of(timeline, index)) == []


def test_the_round_is_over_only_with_every_pool_finished_and_the_ranking_out(timeline: RoundTimeline) -> None:
    last = len(timeline.frames) - 1
    assert [is_round_over(bundle_of(timeline, index)) for index in range(last + 1)] == [False] * last + [True]
    for pool in timeline.final.pools:
        first = timeline.first_finished_frame(pool.pool_id)
        assert pool.pool_id not in finished_pool_ids(bundle_of(timeline, first - 1))
        assert pool.pool_id in finished_pool_ids(bundle_of(timeline, first))


def test_a_moved_strip_is_a_new_assignment(round_bundle: PoolsBundle) -> None:
    pool = round_bundle.pools[1]
    moved = round_bundle.model_copy(
        update={
            "pools": [round_bundle.pools[0], pool.model_copy(update={"strip": "Z9"}), round_bundle.pools[2]]
        }
    )

    [line] = lines(round_bundle, moved)
    assert line == {
        "type": "pool_strip_assigned",
        "event_id": round_bundle.event_id,
        "pool_round_id": round_bundle.pool_round_id,
        "pool_id": pool.pool_id,
        "pool_number": pool.pool_number,
        "strip": "Z9",
        "start_time": pool.start_time,
    }


def test_an_erased_score_is_a_correction_to_nothing(round_bundle: PoolsBundle) -> None:
    pool = round_bundle.pools[0]
    bout = pool.bouts[0]
    erased = bout.model_copy(update={"score_a": None, "score_b": None, "winner": None, "status": "pending"})
    changed = pool.model_copy(update={"bouts": [erased, *pool.bouts[1:]]})
    after = round_bundle.model_copy(update={"pools": [changed, *round_bundle.pools[1:]]})

    [line] = lines(round_bundle, after)
    assert line["type"] == "bout_corrected"
    assert (line["score_a"], line["score_b"], line["winner"]) == (None, None, None)
    assert line["previous"] == {"score_a": bout.score_a, "score_b": bout.score_b, "winner": bout.winner}
    # fenced again: a new score, and the pool and the round finish again
    assert [change["type"] for change in lines(after, round_bundle)] == [
        "bout_scored",
        "pool_finished",
        "round_finished",
    ]


def test_added_and_removed_pools(round_bundle: PoolsBundle) -> None:
    first, second, third = round_bundle.pools
    before = round_bundle.model_copy(
        update={"pools": [first, second], "pool_ids": [first.pool_id, second.pool_id]}
    )
    after = round_bundle.model_copy(
        update={"pools": [first, third], "pool_ids": [first.pool_id, third.pool_id]}
    )

    changes = lines(before, after)
    assert [(line["type"], line["pool_id"]) for line in changes] == [
        ("pool_added", third.pool_id),
        ("pool_removed", second.pool_id),
    ]
    assert changes[0]["pool"] == third.model_dump(mode="json")


def test_a_ranking_without_statuses_is_not_published(round_bundle: PoolsBundle) -> None:
    assert round_bundle.results is not None
    undecided = round_bundle.results.model_copy(
        update={
            "fencers": [
                fencer.model_copy(update={"status": "unknown"}) for fencer in round_bundle.results.fencers
            ]
        }
    )
    before = round_bundle.model_copy(update={"results": None})

    assert lines(before, round_bundle.model_copy(update={"results": undecided})) == []
    [published] = lines(before, round_bundle)
    assert published["type"] == "results_published"
    assert [fencer["name"] for fencer in published["fencers"]] == [
        f.name for f in round_bundle.results.fencers
    ]
