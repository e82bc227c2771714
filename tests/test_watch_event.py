"""Whole watches of a stand-in FTL event that changes poll by poll: rounds and a tableau appearing, the
stream, the requests, the files."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_f_from_coro_f

from ftl_scraper.models.event_changes import EVENT_CHANGE_LINE
from ftl_scraper.output.schema import load_event_changes_schema
from ftl_scraper.run.outcome import ExitStatus
from ftl_scraper.site.urls import TableauUrls
from tests.cassettes import DEMO_EVENT_ID, demo_tournament, offline_environment
from tests.fakeftl import EventPlan, EventTimeline, FakeFtlServer, Status, generate_tournament
from tests.test_cli import error_lines
from tests.test_watch_cli import REPO_ROOT
from tests.watching import assert_true_stream, outage_lines, watch_event, without_time


@pytest.fixture
def timeline(fake_ftl: FakeFtlServer) -> EventTimeline:
    """An event of two pool rounds (two pools each), the second appearing once the first is over,
    then its DE tableau, then its final results; served with ETags on the data pages."""
    tournament = generate_tournament([EventPlan(rounds=2, pool_count=2)], seed=23)
    timeline = EventTimeline(tournament, bouts_per_frame=3, steps_per_frame=3)
    fake_ftl.validators = True
    timeline.install(fake_ftl)
    return timeline


def exactly(page: str) -> Callable[[str], bool]:
    """Matches this page only (a plain path also matches the pages under it)."""
    return lambda path: path == page


def event_page(timeline: EventTimeline) -> str:
    return f"/events/results/{timeline.event_id}"


@deferred_f_from_coro_f
async def test_the_stream_is_the_true_sequence_of_changes(
    fake_ftl: FakeFtlServer, timeline: EventTimeline, crawl_settings: Settings, tmp_path: Path
) -> None:
    run = await watch_event(crawl_settings, timeline, tmp_path / "changes.jsonl")

    lines = assert_true_stream(run, load_event_changes_schema(), EVENT_CHANGE_LINE)
    types = [line["type"] for line in lines]
    # the timeline does show every kind of step the event adds (the test would prove little otherwise)
    assert types.count("pool_round_appeared") == 1
    assert types.count("tableau_appeared") == 1
    assert types[-1] == "final_results_published"
    assert {"bout_scored", "bout_corrected", "round_finished", "results_published", "tree_finished"} <= set(
        types
    )
    assert run.stats["ftl/watch/polls"] == len(timeline.frames)


@deferred_f_from_coro_f
async def test_nothing_settled_is_fetched_again(
    fake_ftl: FakeFtlServer, timeline: EventTimeline, crawl_settings: Settings, tmp_path: Path
) -> None:
    run = await watch_event(crawl_settings, timeline, tmp_path / "changes.jsonl")

    polls = len(timeline.frames)
    assert run.stats["ftl/watch/polls"] == polls
    event_id = timeline.event_id
    # the event page and the final results JSON, every poll
    assert fake_ftl.hits(exactly(event_page(timeline))) == polls
    assert fake_ftl.hits(exactly(f"/events/results/data/{event_id}")) == polls
    for round_timeline in timeline.round_timelines:
        pool_round_id = round_timeline.final.pool_round_id
        pools_page = f"/pools/scores/{event_id}/{pool_round_id}"
        # poll n serves frame n-1; a round's own frame i is the event's frame (appeared + i)
        appeared = timeline.first_frame_showing(pool_round_id)
        assert appeared < polls - 1
        for pool in round_timeline.final.pools:
            # fetched at every poll from its round's appearance up to the first that found it finished
            hits = fake_ftl.hits(f"{pools_page}/{pool.pool_id}")
            assert hits == round_timeline.first_finished_frame(pool.pool_id) + 1
        # the pools page, up to the poll that found the round ranked (its last frame): then never
        # again; it never changes, so every poll but the first gets a 304
        assert fake_ftl.hits(exactly(pools_page)) == len(round_timeline.frames)
        assert fake_ftl.hits(exactly(pools_page), status=304) == len(round_timeline.frames) - 1
        # the ranking: when the round appears, then once every pool is finished (its last frame)
        assert fake_ftl.hits(f"/pools/results/data/{event_id}/{pool_round_id}") == 2
    [tableau_timeline] = timeline.tableau_timelines
    tableau = tableau_timeline.final
    urls = TableauUrls("", event_id, tableau.tableau_id)
    finished_at = {
        tree.tree_id: tableau_timeline.first_finished_frame(tree.tree_id) for tree in tableau.trees
    }
    for tree in tableau.trees:
        assert fake_ftl.hits(urls.whole_tree(tree.tree_id, tree.table_count)) == finished_at[tree.tree_id] + 1
    # the trees JSON, up to the poll that found every tree finished
    assert fake_ftl.hits(exactly(urls.trees)) == max(finished_at.values()) + 1


@deferred_f_from_coro_f
async def test_a_fencer_filter_keeps_their_lines_and_the_event_level_ones(
    fake_ftl: FakeFtlServer, timeline: EventTimeline, crawl_settings: Settings, tmp_path: Path
) -> None:
    second_round = timeline.round_timelines[1].final
    pool = second_round.pools[0]
    tracked = pool.fencers[1].name
    run = await watch_event(
        crawl_settings, timeline, tmp_path / "changes.jsonl", fencers=f"{tracked.upper()};NOBODY Here"
    )

    def involves(line: dict[str, Any]) -> bool:
        if line["type"] in ("bout_scored", "bout_corrected"):
            return tracked in (line["fencer_a"], line["fencer_b"])
        if line["type"] == "fencer_withdrawn":
            return line["name"] == tracked
        if line["type"] in ("de_bout_scheduled", "de_bout_scored"):
            return tracked in (fencer["name"] for fencer in (line["fencer_a"], line["fencer_b"]) if fencer)
        if "pool_id" in line:  # a pool's strip, finished...: the pools they are in
            return any(
                line["pool_id"] == candidate.pool_id
                and tracked in {fencer.name for fencer in candidate.fencers}
                for round_timeline in timeline.round_timelines
                for candidate in round_timeline.final.pools
            )
        return True

    expected = [line for line in timeline.expected_lines() if involves(line)]
    assert without_time(run.read_lines()) == expected
    types = {line["type"] for line in expected}
    assert {"bout_scored", "pool_strip_assigned", "pool_finished", "pool_round_appeared"} <= types
    assert len(expected) < len(timeline.expected_lines())


@deferred_f_from_coro_f
async def test_the_snapshot_file_holds_the_latest_bundle(
    fake_ftl: FakeFtlServer, timeline: EventTimeline, crawl_settings: Settings, tmp_path: Path
) -> None:
    snapshot = tmp_path / "event.json"
    seen: list[dict[str, Any]] = []

    def read_snapshot(poll_number: int) -> bool:
        seen.append(json.loads(snapshot.read_text(encoding="utf-8")))
        return True

    run = await watch_event(
        crawl_settings, timeline, tmp_path / "changes.jsonl", on_poll=read_snapshot, snapshot=str(snapshot)
    )

    assert run.outcome.status is ExitStatus.OK
    # poll n serves frame n-1 (the last poll ends the watch: no on_poll call)
    assert seen == [timeline.bundle_at(index) for index in range(len(seen))]
    assert len(seen) == len(timeline.frames) - 1
    assert json.loads(snapshot.read_text(encoding="utf-8")) == timeline.final.expected_bundle(
        timeline.tournament
    )
    assert not list(tmp_path.glob(".*")), "a temporary file was left behind"  # noqa: ASYNC240


@deferred_f_from_coro_f
async def test_a_failed_page_is_read_again_at_the_next_poll(
    fake_ftl: FakeFtlServer, timeline: EventTimeline, crawl_settings: Settings, tmp_path: Path
) -> None:
    second_round = timeline.round_timelines[1].final
    appears = timeline.first_frame_showing(second_round.pool_round_id)
    pools_page = f"/pools/scores/{timeline.event_id}/{second_round.pool_round_id}"

    def fail_a_page(poll_number: int) -> bool:
        # the next poll (the round's second) finds its pools page gone once; the round stays put
        if poll_number == appears + 1:
            fake_ftl.add_fault(exactly(pools_page), Status(404))
            return True
        return poll_number != appears + 2

    run = await watch_event(crawl_settings, timeline, tmp_path / "changes.jsonl", on_poll=fail_a_page)

    assert without_time(run.read_lines()) == timeline.expected_lines()
    assert run.outcome.status is ExitStatus.OK
    assert run.stats["ftl/errors"] == 1


@deferred_f_from_coro_f
async def test_a_first_poll_that_fails_fails_the_watch_and_writes_nothing(
    fake_ftl: FakeFtlServer, timeline: EventTimeline, crawl_settings: Settings, tmp_path: Path
) -> None:
    pools_page = f"/pools/scores/{timeline.event_id}/{timeline.round_timelines[0].final.pool_round_id}"
    fake_ftl.add_fault(exactly(pools_page), Status(404))
    feed = tmp_path / "changes.jsonl"
    run = await watch_event(crawl_settings, timeline, feed)

    assert run.outcome.status is ExitStatus.FAILED
    [error] = run.outcome.errors
    assert error.message == "FTL answered HTTP 404"
    assert error.url == fake_ftl.url(pools_page)
    assert not feed.exists()
    assert run.stats.get("ftl/watch/polls") is None


@deferred_f_from_coro_f
async def test_an_unchanged_event_page_costs_a_304_and_still_counts(
    fake_ftl: FakeFtlServer, timeline: EventTimeline, crawl_settings: Settings, tmp_path: Path
) -> None:
    run = await watch_event(crawl_settings, timeline, tmp_path / "changes.jsonl")

    assert without_time(run.read_lines()) == timeline.expected_lines()
    # the tab bar changes when a round or the tableau appears, the heading when the results come
    page_changes = [
        index
        for index, frame in enumerate(timeline.frames)
        if index == 0
        or [pool_round.pool_round_id for pool_round in frame.event.rounds]
        != [pool_round.pool_round_id for pool_round in timeline.frames[index - 1].event.rounds]
        or frame.event.tableau_ids != timeline.frames[index - 1].event.tableau_ids
        or frame.event.final_results != timeline.frames[index - 1].event.final_results
    ]
    assert len(page_changes) == 4  # the first read, the second round, the tableau, the final results
    polls = len(timeline.frames)
    assert fake_ftl.hits(exactly(event_page(timeline)), status=304) == polls - len(page_changes)
    # the final results JSON: the first read, and the frame that publishes them
    assert fake_ftl.hits(exactly(f"/events/results/data/{timeline.event_id}"), status=304) == polls - 2


@deferred_f_from_coro_f
async def test_an_outage_pauses_the_watch_between_unavailable_and_recovered_lines(
    fake_ftl: FakeFtlServer, timeline: EventTimeline, crawl_settings: Settings, tmp_path: Path
) -> None:
    settings = crawl_settings.copy()
    settings.set("FTL_RETRY_BACKOFF_BASE", 0.001)
    outage_poll = 4

    def outage(poll_number: int) -> bool:
        if poll_number == outage_poll:
            fake_ftl.add_fault(
                lambda path: path.startswith(("/events/", "/pools/")), Status(503), forever=True
            )
        if poll_number == outage_poll + 1:
            fake_ftl.clear_faults()
            return False  # the event waits for FTL to come back: no change is lost meanwhile
        return True

    run = await watch_event(settings, timeline, tmp_path / "changes.jsonl", on_poll=outage)

    unavailable, _ = outage_lines(run, outage_poll)
    assert unavailable == {
        "type": "source_unavailable",
        "at": unavailable["at"],
        "event_id": timeline.event_id,
        "message": unavailable["message"],
    }
    # how many attempts failed in a row depends on how many pages were on their way
    assert unavailable["message"].startswith("FTL is not answering: ")


def test_an_event_watch_stopped_by_sigterm_exits_0_with_every_line_it_saw(
    fake_ftl: FakeFtlServer, timeline: EventTimeline, tmp_path: Path
) -> None:
    # the event never moves on (nothing advances the timeline): the watch would poll for ever
    output = tmp_path / "changes.jsonl"
    command = [
        sys.executable, "-m", "scrapy", "crawl", "event", "-a", f"event={timeline.event_id}",
        "-a", "watch=15", "-o", str(output),
        "-s", f"FTL_BASE_URL={fake_ftl.base_url}",
        "-s", f"HTTPCACHE_DIR={tmp_path / 'httpcache'}",
        "-s", "FTL_WATCH_POLL_INTERVAL=0.05",
    ]  # fmt: skip
    with subprocess.Popen(command, cwd=REPO_ROOT, stderr=subprocess.PIPE, text=True) as watch:
        deadline = time.monotonic() + 60  # a safety net against a hang, not a speed requirement
        while fake_ftl.hits(exactly(event_page(timeline))) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert fake_ftl.hits(exactly(event_page(timeline))) >= 3, "the watch never polled again"
        watch.send_signal(signal.SIGTERM)
        _, stderr = watch.communicate(timeout=60)

    assert watch.returncode == 0, stderr
    assert error_lines(stderr) == []
    summary = stderr.rstrip().splitlines()[-1]
    assert f"event watch stopped for event {timeline.event_id}: " in summary
    assert summary.endswith(f" changes written to {output}")
    [snapshot] = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert without_time([snapshot]) == [timeline.snapshot_line()]


# the README's event watch over the demo cassette, word for word
README_EVENT_WATCH_COMMAND = (
    "scrapy crawl event -a event=9CABEAEBA11F0F03B153FA889658645E -s FTL_CASSETTE=demo -a watch=15 "
    "-O event-changes.jsonl"
)


def test_readme_event_watch_over_the_finished_demo_writes_the_snapshot_and_ends(tmp_path: Path) -> None:
    assert README_EVENT_WATCH_COMMAND in (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    scrapy, *arguments = README_EVENT_WATCH_COMMAND.split()
    output = tmp_path / "event-changes.jsonl"
    command = [str(Path(sys.executable).with_name(scrapy)), *arguments[:-1], str(output)]
    # a port nothing listens on: any request that escaped to the network would be refused
    env = offline_environment(tmp_path)

    completed = subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )

    assert completed.returncode == 0, completed.stderr
    tournament = demo_tournament()
    event = tournament.event(DEMO_EVENT_ID)
    [snapshot] = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert without_time([snapshot]) == [
        {"type": "snapshot", "event_id": DEMO_EVENT_ID, "bundle": event.expected_bundle(tournament)}
    ]
