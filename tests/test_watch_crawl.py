"""Whole watches of a stand-in FTL round that changes poll by poll: the stream, the requests, the files."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_f_from_coro_f

from ftl_scraper.models.changes import POOLS_CHANGE_LINE
from ftl_scraper.output.schema import load_changes_schema
from ftl_scraper.run.outcome import ExitStatus
from tests.fakeftl import FakeFtlServer, RoundTimeline, Status, generate_event
from tests.watching import assert_true_stream, outage_lines, watch_pools, without_time


@pytest.fixture
def timeline(fake_ftl: FakeFtlServer, request: pytest.FixtureRequest) -> RoundTimeline:
    """Four pools (5, 5, 5 and 4 fencers), one medical withdrawal, served with ETags; three bouts
    are scored between two polls unless the test is parametrized with another count."""
    bouts_per_frame = getattr(request, "param", 3)
    event = generate_event(seed=41, pool_count=4, pool_sizes=(5, 4), medical_withdrawals=1)
    timeline = RoundTimeline(event, bouts_per_frame=bouts_per_frame)
    fake_ftl.validators = True
    timeline.install(fake_ftl)
    return timeline


def pools_page(timeline: RoundTimeline) -> str:
    return f"/pools/scores/{timeline.final.event_id}/{timeline.final.pool_round_id}"


@pytest.mark.parametrize("timeline", [1, 3], indirect=True, ids=["one-bout-per-poll", "three-bouts-per-poll"])
@deferred_f_from_coro_f
async def test_the_stream_is_the_true_sequence_of_changes(
    fake_ftl: FakeFtlServer, timeline: RoundTimeline, crawl_settings: Settings, tmp_path: Path
) -> None:
    run = await watch_pools(crawl_settings, timeline, tmp_path / "changes.jsonl")

    lines = assert_true_stream(run, load_changes_schema(), POOLS_CHANGE_LINE)
    assert run.stats["ftl/watch/changes"] == len(lines)


@deferred_f_from_coro_f
async def test_finished_pools_are_never_fetched_again(
    fake_ftl: FakeFtlServer, timeline: RoundTimeline, crawl_settings: Settings, tmp_path: Path
) -> None:
    run = await watch_pools(crawl_settings, timeline, tmp_path / "changes.jsonl")

    polls = len(timeline.frames)
    assert run.stats["ftl/watch/polls"] == polls
    for pool in timeline.final.pools:
        # fetched at every poll up to the first that found it finished (poll n serves frame n-1)
        fragment = f"{pools_page(timeline)}/{pool.pool_id}"
        assert fake_ftl.hits(fragment) == timeline.first_finished_frame(pool.pool_id) + 1
    # the ranking: read for the snapshot, then once every pool is finished (the results frame)
    assert fake_ftl.hits(f"/pools/results/data/{timeline.final.event_id}/") == 2
    # the pools page, every poll; it never changes, so FTL answers 304 to every poll but the first
    assert fake_ftl.hits(lambda path: path == pools_page(timeline)) == polls
    assert fake_ftl.hits(lambda path: path == pools_page(timeline), status=304) == polls - 1


@deferred_f_from_coro_f
async def test_without_validators_every_page_is_read_in_full(
    fake_ftl: FakeFtlServer, timeline: RoundTimeline, crawl_settings: Settings, tmp_path: Path
) -> None:
    fake_ftl.validators = False
    run = await watch_pools(crawl_settings, timeline, tmp_path / "changes.jsonl")

    assert without_time(run.read_lines()) == timeline.expected_lines()
    assert fake_ftl.hits("/", status=304) == 0


@deferred_f_from_coro_f
async def test_a_fencer_filter_keeps_their_lines_and_the_round_level_ones(
    fake_ftl: FakeFtlServer, timeline: RoundTimeline, crawl_settings: Settings, tmp_path: Path
) -> None:
    pool = timeline.final.pools[1]
    tracked = pool.fencers[2].name  # e.g. "KOVÁCS Eszter": given without accents, in lower case
    plain = tracked.lower().translate(
        str.maketrans("áéíóöőúüűèêëàâçñïîôùûÿœłśźżąęćń", "aeiooouuueeeaacniiouuyolszzaecn")
    )
    run = await watch_pools(
        crawl_settings, timeline, tmp_path / "changes.jsonl", fencers=f"{plain}; NOBODY Here"
    )

    def involves(line: dict[str, object]) -> bool:
        if line["type"] in ("bout_scored", "bout_corrected"):
            return tracked in (line["fencer_a"], line["fencer_b"])
        if line["type"] == "fencer_withdrawn":
            return line["name"] == tracked
        if "pool_id" in line:
            return line["pool_id"] == pool.pool_id
        return True

    expected = [line for line in timeline.expected_lines() if involves(line)]
    assert without_time(run.read_lines()) == expected
    assert {line["type"] for line in expected} >= {"bout_scored", "pool_strip_assigned", "pool_finished"}


@deferred_f_from_coro_f
async def test_the_snapshot_file_holds_the_latest_bundle(
    fake_ftl: FakeFtlServer, timeline: RoundTimeline, crawl_settings: Settings, tmp_path: Path
) -> None:
    snapshot = tmp_path / "bundle.json"
    seen: list[dict[str, object]] = []

    def read_snapshot(poll_number: int) -> bool:
        seen.append(json.loads(snapshot.read_text(encoding="utf-8")))
        return True

    await watch_pools(
        crawl_settings, timeline, tmp_path / "changes.jsonl", on_poll=read_snapshot, snapshot=str(snapshot)
    )

    assert seen[0] == timeline.snapshot_line()["bundle"]
    assert json.loads(snapshot.read_text(encoding="utf-8")) == timeline.final.expected_bundle()
    assert not list(tmp_path.glob(".*")), "a temporary file was left behind"  # noqa: ASYNC240


@deferred_f_from_coro_f
async def test_an_outage_pauses_the_watch_between_unavailable_and_recovered_lines(
    fake_ftl: FakeFtlServer, timeline: RoundTimeline, crawl_settings: Settings, tmp_path: Path
) -> None:
    settings = crawl_settings.copy()
    settings.set("FTL_RETRY_BACKOFF_BASE", 0.001)
    outage_poll = 5

    def outage(poll_number: int) -> bool:
        if poll_number == outage_poll:
            fake_ftl.add_fault(lambda path: path.startswith("/pools/"), Status(503), forever=True)
        if poll_number == outage_poll + 1:
            fake_ftl.clear_faults()
            return False  # the round waits for FTL to come back: no change is lost meanwhile
        return True

    run = await watch_pools(settings, timeline, tmp_path / "changes.jsonl", on_poll=outage)

    unavailable, _ = outage_lines(run, outage_poll)
    assert unavailable["message"].startswith("FTL is not answering: 5 failed attempts in a row")


@deferred_f_from_coro_f
async def test_a_session_that_expires_is_renewed_and_the_watch_goes_on(
    fake_ftl: FakeFtlServer,
    timeline: RoundTimeline,
    crawl_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_ftl.require_login = True
    monkeypatch.setattr(fake_ftl, "accounts", {"coach@example.com": "épée-2026"})
    monkeypatch.setenv("FTL_USERNAME", "coach@example.com")
    monkeypatch.setenv("FTL_PASSWORD", "épée-2026")

    def expire_once(poll_number: int) -> bool:
        if poll_number == 3:
            fake_ftl.expire_sessions()
        return True

    run = await watch_pools(crawl_settings, timeline, tmp_path / "changes.jsonl", on_poll=expire_once)

    assert without_time(run.read_lines()) == timeline.expected_lines()
    assert fake_ftl.login_count == 2


@deferred_f_from_coro_f
async def test_a_first_poll_that_fails_fails_the_watch_and_writes_nothing(
    fake_ftl: FakeFtlServer, timeline: RoundTimeline, crawl_settings: Settings, tmp_path: Path
) -> None:
    fake_ftl.add_fault(pools_page(timeline), Status(404))
    feed = tmp_path / "changes.jsonl"
    run = await watch_pools(crawl_settings, timeline, feed)

    assert run.outcome.status is ExitStatus.FAILED
    [error] = run.outcome.errors
    assert error.message == "FTL answered HTTP 404"
    assert error.url == fake_ftl.url(pools_page(timeline))
    assert not feed.exists()
    assert fake_ftl.hits(pools_page(timeline)) == 1


@deferred_f_from_coro_f
async def test_a_pool_added_to_the_pools_page_is_fetched_and_reported(
    fake_ftl: FakeFtlServer, crawl_settings: Settings, tmp_path: Path
) -> None:
    final = generate_event(seed=44, pool_count=4)
    # first three finished pools and no ranking yet (frame 0 has none); then a fourth pool, and the ranking
    timeline = RoundTimeline(final)
    fake_ftl.add_event(dataclasses.replace(timeline.frames[0].event, pools=final.pools[:3]))
    added = final.pools[3]

    def add_a_pool(poll_number: int) -> bool:
        fake_ftl.add_event(final)
        return False

    run = await watch_pools(crawl_settings, timeline, tmp_path / "changes.jsonl", on_poll=add_a_pool)

    lines = without_time(run.read_lines())
    assert [line["type"] for line in lines] == ["snapshot", "pool_added", "results_published"]
    assert lines[0]["bundle"]["pool_ids"] == final.pool_ids[:3]
    assert lines[1]["pool"] == added.model_dump(mode="json")
    assert lines[1]["pool_number"] == 4
    assert run.stats["ftl/watch/polls"] == 2
    for pool in final.pools:
        assert fake_ftl.hits(f"/pools/scores/{final.event_id}/{final.pool_round_id}/{pool.pool_id}") == 1
