"""What changed in a whole event between two polls, from the stand-in's frames (the bundles a correct
crawl of each frame exports) to the change lines its timeline says they cause."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ftl_scraper.models import EventBundle
from ftl_scraper.watch.event_changes import EventWatcher, event_changes
from tests.fakeftl import EventPlan, EventTimeline, generate_tournament
from tests.watching import without_time

AT = datetime(2026, 10, 3, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def timeline() -> EventTimeline:
    tournament = generate_tournament([EventPlan(rounds=2, pool_count=2)], seed=29)
    return EventTimeline(tournament, bouts_per_frame=3, steps_per_frame=4)


def bundle(timeline: EventTimeline, index: int) -> EventBundle:
    return EventBundle.model_validate(timeline.bundle_at(index))


def lines(timeline: EventTimeline, previous: int | None, current: int) -> list[dict[str, object]]:
    before = bundle(timeline, previous) if previous is not None else None
    return without_time(
        [change.model_dump(mode="json") for change in event_changes(before, bundle(timeline, current), AT)]
    )


def test_the_first_poll_gives_one_snapshot_line(timeline: EventTimeline) -> None:
    assert lines(timeline, None, 0) == [timeline.snapshot_line()]


def test_each_step_gives_the_lines_the_timeline_says(timeline: EventTimeline) -> None:
    for index in range(1, len(timeline.frames)):
        assert lines(timeline, index - 1, index) == timeline.frames[index].changes, f"frame {index}"


def test_two_steps_at_once_give_both_steps_lines_in_event_order(timeline: EventTimeline) -> None:
    appears = timeline.first_frame_showing(timeline.tableau_timelines[0].final.tableau_id)
    # the round's ranking and the tableau's appearance, seen in one poll
    expected = timeline.frames[appears - 1].changes + timeline.frames[appears].changes
    assert [line["type"] for line in expected] == ["results_published", "tableau_appeared"]
    assert lines(timeline, appears - 2, appears) == expected


def test_an_unchanged_event_gives_no_line(timeline: EventTimeline) -> None:
    assert lines(timeline, 3, 3) == []


def test_settled_parts_are_finished_pools_and_trees_and_whole_parts_over(timeline: EventTimeline) -> None:
    last = bundle(timeline, len(timeline.frames) - 1)
    first_round, second_round = (round_timeline.final for round_timeline in timeline.round_timelines)
    tableau = timeline.tableau_timelines[0].final
    everything = {
        first_round.pool_round_id,
        second_round.pool_round_id,
        *first_round.pool_ids,
        *second_round.pool_ids,
        tableau.tableau_id,
        *(tree.tree_id for tree in tableau.trees),
    }
    assert EventWatcher.settled(last) == everything
    assert EventWatcher.is_over(last)
    # the second round just appeared: only the first round is settled, whole
    appeared = timeline.first_frame_showing(second_round.pool_round_id)
    assert EventWatcher.settled(bundle(timeline, appeared)) == {
        first_round.pool_round_id,
        *first_round.pool_ids,
    }
    assert not EventWatcher.is_over(bundle(timeline, len(timeline.frames) - 2))


def test_members_are_every_pool_and_tree_with_its_fencers(timeline: EventTimeline) -> None:
    last = bundle(timeline, len(timeline.frames) - 1)
    members = EventWatcher.members(None, last)

    for round_timeline in timeline.round_timelines:
        for pool in round_timeline.final.pools:
            assert members[pool.pool_id] == {fencer.name for fencer in pool.fencers}
    for tree in last.tableaus[0].trees:
        named = {
            fencer.name
            for round_ in tree.rounds
            for bout in round_.bouts
            for fencer in (bout.fencer_a, bout.fencer_b)
            if fencer
        }
        assert members[tree.tree_id] == named
