"""Whole watches of a stand-in DE tableau whose bouts are scheduled and decided poll by poll."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_f_from_coro_f

from ftl_scraper.models.tableau_changes import TABLEAU_CHANGE_LINE
from ftl_scraper.output.schema import load_tableau_changes_schema
from ftl_scraper.run.outcome import ExitStatus
from ftl_scraper.site.urls import TableauUrls
from tests.fakeftl import FakeFtlServer, Status, TableauTimeline, generate_tableau
from tests.watching import assert_true_stream, outage_lines, watch_tableau, without_time


@pytest.fixture
def timeline(fake_ftl: FakeFtlServer, request: pytest.FixtureRequest) -> TableauTimeline:
    """A team tableau of 8 (a bronze-medal tree beside the main one) served with ETags, one step
    between two polls, unless the test is parametrized with ``(team, steps_per_frame)``."""
    team, steps_per_frame = getattr(request, "param", (True, 1))
    final = generate_tableau(seed=17, size=8, team=team)
    timeline = TableauTimeline(final, steps_per_frame=steps_per_frame)
    fake_ftl.validators = True
    timeline.install(fake_ftl)
    return timeline


def paths(timeline: TableauTimeline) -> TableauUrls:
    """The tableau's pages as paths on the stand-in."""
    return TableauUrls("", timeline.final.event_id, timeline.final.tableau_id)


@pytest.mark.parametrize(
    "timeline",
    [(True, 1), (True, 3), (False, 1)],
    indirect=True,
    ids=["team-one-step-per-poll", "team-three-steps-per-poll", "individual-one-step-per-poll"],
)
@deferred_f_from_coro_f
async def test_the_stream_is_the_true_sequence_of_changes(
    fake_ftl: FakeFtlServer, timeline: TableauTimeline, crawl_settings: Settings, tmp_path: Path
) -> None:
    run = await watch_tableau(crawl_settings, timeline, tmp_path / "changes.jsonl")

    lines = assert_true_stream(run, load_tableau_changes_schema(), TABLEAU_CHANGE_LINE)
    assert run.stats["ftl/watch/changes"] == len(lines)
    kinds = {line["type"] for line in lines}
    assert kinds == {"snapshot", "de_bout_scheduled", "de_bout_scored", "tree_finished"}
    # the watch ends with the poll that finds every tree finished
    assert run.stats["ftl/watch/polls"] == len(timeline.frames)


@deferred_f_from_coro_f
async def test_a_finished_tree_is_never_fetched_again(
    fake_ftl: FakeFtlServer, timeline: TableauTimeline, crawl_settings: Settings, tmp_path: Path
) -> None:
    await watch_tableau(crawl_settings, timeline, tmp_path / "changes.jsonl")

    polls = len(timeline.frames)
    urls = paths(timeline)
    finished_at = {tree.tree_id: timeline.first_finished_frame(tree.tree_id) for tree in timeline.final.trees}
    assert sorted(finished_at.values())[0] < polls - 1, "a tree must finish before the last poll"
    for tree in timeline.final.trees:
        # fetched at every poll up to the first that found it finished (poll n serves frame n-1)
        tree_page = urls.whole_tree(tree.tree_id, tree.table_count)
        assert fake_ftl.hits(tree_page) == finished_at[tree.tree_id] + 1
    # the trees JSON, every poll
    assert fake_ftl.hits(lambda path: path == urls.trees) == polls


@deferred_f_from_coro_f
async def test_unchanged_pages_are_answered_304_and_the_stream_stays_true(
    fake_ftl: FakeFtlServer, crawl_settings: Settings, tmp_path: Path
) -> None:
    timeline = TableauTimeline(generate_tableau(seed=23, size=8, team=True))
    fake_ftl.validators = True
    timeline.install(fake_ftl)

    def hold_every_other_frame(poll_number: int) -> bool:
        return poll_number % 2 == 0  # the odd polls find FTL unchanged

    run = await watch_tableau(
        crawl_settings, timeline, tmp_path / "changes.jsonl", on_poll=hold_every_other_frame
    )

    assert without_time(run.read_lines()) == timeline.expected_lines()
    assert fake_ftl.hits(lambda path: path == paths(timeline).trees, status=304) >= len(timeline.frames) - 1
    assert run.stats["ftl/watch/not_modified"] >= 2 * (len(timeline.frames) - 1)


@deferred_f_from_coro_f
async def test_a_fencer_filter_keeps_their_bouts_and_the_tree_level_lines(
    fake_ftl: FakeFtlServer, crawl_settings: Settings, tmp_path: Path
) -> None:
    timeline = TableauTimeline(generate_tableau(seed=29, size=8))
    timeline.install(fake_ftl)
    champion = timeline.final.trees[0].expected().winner  # fences a bout in every round
    assert champion is not None
    name = champion.name
    run = await watch_tableau(
        crawl_settings, timeline, tmp_path / "changes.jsonl", fencers=f"{name.lower()}; NOBODY Here"
    )

    def involves(line: dict[str, object]) -> bool:
        if line["type"] in ("de_bout_scheduled", "de_bout_scored"):
            sides = (line["fencer_a"], line["fencer_b"])
            return any(isinstance(side, dict) and side["name"] == name for side in sides)
        return True

    expected = [line for line in timeline.expected_lines() if involves(line)]
    assert without_time(run.read_lines()) == expected
    assert {line["type"] for line in expected} >= {"de_bout_scored", "tree_finished"}


@deferred_f_from_coro_f
async def test_the_snapshot_file_holds_the_latest_bundle(
    fake_ftl: FakeFtlServer, timeline: TableauTimeline, crawl_settings: Settings, tmp_path: Path
) -> None:
    snapshot = tmp_path / "bundle.json"
    seen: list[dict[str, object]] = []

    def read_snapshot(poll_number: int) -> bool:
        seen.append(json.loads(snapshot.read_text(encoding="utf-8")))
        return True

    await watch_tableau(
        crawl_settings, timeline, tmp_path / "changes.jsonl", on_poll=read_snapshot, snapshot=str(snapshot)
    )

    assert seen[0] == timeline.snapshot_line()["bundle"]
    assert json.loads(snapshot.read_text(encoding="utf-8")) == timeline.final.expected_bundle()


@deferred_f_from_coro_f
async def test_an_outage_pauses_the_watch_between_unavailable_and_recovered_lines(
    fake_ftl: FakeFtlServer, timeline: TableauTimeline, crawl_settings: Settings, tmp_path: Path
) -> None:
    settings = crawl_settings.copy()
    settings.set("FTL_RETRY_BACKOFF_BASE", 0.001)
    outage_poll = 4

    def outage(poll_number: int) -> bool:
        # a poll reads one page while FTL is down: the breaker trips in the second poll that fails
        if poll_number == outage_poll:
            fake_ftl.add_fault(lambda path: path.startswith("/tableaus/"), Status(503), forever=True)
        if poll_number == outage_poll + 2:
            fake_ftl.clear_faults()
        # the tableau waits for FTL to come back: no change is lost meanwhile
        return not outage_poll < poll_number <= outage_poll + 2

    run = await watch_tableau(settings, timeline, tmp_path / "changes.jsonl", on_poll=outage)

    unavailable, _ = outage_lines(run, outage_poll)
    assert unavailable["tableau_id"] == timeline.final.tableau_id


@deferred_f_from_coro_f
async def test_a_first_poll_that_fails_fails_the_watch_and_writes_nothing(
    fake_ftl: FakeFtlServer, timeline: TableauTimeline, crawl_settings: Settings, tmp_path: Path
) -> None:
    fake_ftl.add_fault(paths(timeline).trees, Status(404))
    feed = tmp_path / "changes.jsonl"
    run = await watch_tableau(crawl_settings, timeline, feed)

    assert run.outcome.status is ExitStatus.FAILED
    [error] = run.outcome.errors
    assert error.message == "FTL answered HTTP 404"
    assert not feed.exists()
