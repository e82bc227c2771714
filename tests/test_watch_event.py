"""Whole watches of a stand-in FTL event that changes poll by poll: rounds and a tableau appearing, the
stream, the requests, the files."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_f_from_coro_f

from ftl_scraper.models.event_changes import EVENT_CHANGE_LINE
from ftl_scraper.output.schema import load_event_changes_schema
from ftl_scraper.run.outcome import ExitStatus
from tests.fakeftl import EventPlan, EventTimeline, FakeFtlServer, generate_tournament
from tests.watching import watch_event, without_time


@pytest.fixture
def timeline(fake_ftl: FakeFtlServer) -> EventTimeline:
    """An event of two pool rounds (two pools each), the second appearing once the first is over,
    then its DE tableau, then its final results; served with ETags on the data pages."""
    tournament = generate_tournament([EventPlan(rounds=2, pool_count=2)], seed=23)
    timeline = EventTimeline(tournament, bouts_per_frame=3, steps_per_frame=3)
    fake_ftl.validators = True
    timeline.install(fake_ftl)
    return timeline


def event_page(timeline: EventTimeline) -> str:
    return f"/events/results/{timeline.event_id}"


@deferred_f_from_coro_f
async def test_the_stream_is_the_true_sequence_of_changes(
    fake_ftl: FakeFtlServer, timeline: EventTimeline, crawl_settings: Settings, tmp_path: Path
) -> None:
    run = await watch_event(crawl_settings, timeline, tmp_path / "changes.jsonl")

    lines = run.read_lines()
    assert run.outcome.status is ExitStatus.OK
    assert run.stats["finish_reason"] == "finished"
    assert without_time(lines) == timeline.expected_lines()
    types = [line["type"] for line in lines]
    # the timeline does show every kind of step the event adds (the test would prove little otherwise)
    assert types.count("pool_round_appeared") == 1
    assert types.count("tableau_appeared") == 1
    assert types[-1] == "final_results_published"
    assert {"bout_scored", "bout_corrected", "round_finished", "results_published", "tree_finished"} <= set(
        types
    )
    assert run.stats["ftl/watch/polls"] == len(timeline.frames)
    times = [datetime.fromisoformat(line["at"]) for line in lines]
    assert {time.utcoffset() for time in times} == {timedelta(0)}
    assert times == sorted(times)
    validator = jsonschema.Draft202012Validator(load_event_changes_schema())
    for line in lines:
        validator.validate(line)
        EVENT_CHANGE_LINE.validate_python(line)
    # poll n serves frame n-1: a reader of the file has every line up to that frame when it ends
    expected_counts = [1]
    for frame in timeline.frames[1:]:
        expected_counts.append(expected_counts[-1] + len(frame.changes))
    assert run.lines_at_poll_end == expected_counts
