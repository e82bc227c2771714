"""Cassettes: record from the stand-in FTL, replay with no network, and the shipped demo event.

A cassette holds one answer per page, so it cannot hold a 503-then-200 sequence: retries,
timeouts and backoff are tested against the fault-injecting server (tests/fakeftl).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import jsonschema
import pytest
from scrapy.utils.defer import deferred_f_from_coro_f

from ftl_scraper.cassette.format import (
    INDEX_FILE,
    SHIPPED_CASSETTES_DIR,
    Cassette,
    CassetteFormatError,
    body_file_names,
    resolve_cassette_folder,
)
from ftl_scraper.cassette.middleware import CassetteMode
from ftl_scraper.errors import CassetteMissError, HttpStatusError, InvalidArgumentError
from ftl_scraper.models import Pool, PoolResults, PoolsBundle
from ftl_scraper.output.schema import load_bundle_schema
from ftl_scraper.parsers import parse_pool_html, parse_pool_ids, parse_pool_results
from ftl_scraper.run.outcome import ExitStatus
from tests.cassettes import (
    DEAD_PROXY,
    DEMO_EVENT_ID,
    DEMO_ROUND_ID,
    DEMO_TABLEAU_ID,
    crawl_cassette,
    demo_event,
    demo_tournament,
    go_offline,
    offline_environment,
)
from tests.crawling import CrawlRun, crawl_pools, project_settings
from tests.fakeftl import FAILED_TO_APPEAR, MEDICAL_WITHDRAWAL, FakeEvent, FakeFtlServer, Status
from tests.fakeftl.render import DEFAULT_CSRF_TOKEN, render_pools_page

REPO_ROOT = Path(__file__).resolve().parents[1]
# the shipped demo as a folder: these tests run from the checkout, not from a zipped egg
DEMO = Path(str(SHIPPED_CASSETTES_DIR / "demo"))
# the README's main command, word for word
README_COMMAND = (
    "scrapy crawl pools -a event=9CABEAEBA11F0F03B153FA889658645E "
    "-a round=5F313927C3AE7337DEE549EEBEC0B135 -s FTL_CASSETTE=demo -O bundle.json"
)


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    go_offline(monkeypatch)


def server_settings(server: FakeFtlServer, tmp_path: Path) -> dict[str, Any]:
    return {"FTL_BASE_URL": server.base_url, "HTTPCACHE_DIR": str(tmp_path / "httpcache")}


async def record(server: FakeFtlServer, event: FakeEvent, folder: Path, tmp_path: Path) -> CrawlRun:
    return await crawl_cassette(
        folder,
        mode="record",
        settings=server_settings(server, tmp_path),
        event=event.event_id,
        round=event.pool_round_id,
    )


def remove_entry(folder: Path, body_file: str) -> dict[str, Any]:
    """Drop one interaction from a cassette's index, as if it had never been recorded."""
    index = json.loads((folder / INDEX_FILE).read_text(encoding="utf-8"))
    [entry] = [e for e in index["interactions"] if e["body_file"] == body_file]
    index["interactions"].remove(entry)
    (folder / INDEX_FILE).write_text(json.dumps(index, indent=2), encoding="utf-8")
    return dict(entry)


def stored_files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


# ---------------------------------------------------------------- record, then replay


@deferred_f_from_coro_f
async def test_replay_gives_the_recorded_bundle_without_touching_the_network(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    cassette = tmp_path / "cassette"
    recorded = await record(fake_ftl, fake_event, cassette, tmp_path)
    requests_after_recording = len(fake_ftl.requests)

    replayed = await crawl_cassette(
        cassette,
        settings=server_settings(fake_ftl, tmp_path),
        event=fake_event.event_id,
        round=fake_event.pool_round_id,
    )

    assert recorded.bundle == fake_event.expected_bundle()
    assert requests_after_recording == len(fake_event.pools) + 2
    assert len(fake_ftl.requests) == requests_after_recording  # zero network in replay
    assert replayed.outcome.status is ExitStatus.OK
    assert replayed.bundle == recorded.bundle
    assert replayed.stats["ftl/cassette/hit"] == len(fake_event.pools) + 2
    assert "httpcache/hit" not in replayed.stats
    assert not (tmp_path / "httpcache").exists()  # neither run stored anything in the HTTP cache


@deferred_f_from_coro_f
async def test_a_cassette_recorded_on_one_host_replays_under_ftls_own(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cassette = tmp_path / "cassette"
    await record(fake_ftl, fake_event, cassette, tmp_path)
    go_offline(monkeypatch)

    # default FTL_BASE_URL (https://www.fencingtimelive.com), every request proxied to nowhere
    replayed = await crawl_cassette(cassette, event=fake_event.event_id, round=fake_event.pool_round_id)

    assert replayed.outcome.status is ExitStatus.OK
    assert replayed.bundle == fake_event.expected_bundle()


@deferred_f_from_coro_f
async def test_recording_fetches_from_ftl_even_when_the_http_cache_has_the_pages(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    settings = project_settings(**server_settings(fake_ftl, tmp_path))
    await crawl_pools(settings, event=fake_event.event_id, round=fake_event.pool_round_id)
    assert len(fake_ftl.requests) == len(fake_event.pools) + 2  # the cache is now warm

    recorded = await record(fake_ftl, fake_event, tmp_path / "cassette", tmp_path)

    assert len(fake_ftl.requests) == 2 * (len(fake_event.pools) + 2)
    assert "httpcache/hit" not in recorded.stats
    assert recorded.stats["ftl/cassette/recorded"] == len(fake_event.pools) + 2


@deferred_f_from_coro_f
async def test_replay_does_not_expire_with_time(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    cassette = tmp_path / "cassette"
    recorded = await record(fake_ftl, fake_event, cassette, tmp_path)
    requests_after_recording = len(fake_ftl.requests)
    long_ago = 946_684_800  # 2000-01-01: far past any TTL, unlike the HTTP cache's 180 s
    for path in [cassette, *cassette.iterdir()]:
        os.utime(path, (long_ago, long_ago))

    replayed = await crawl_cassette(
        cassette,
        settings={**server_settings(fake_ftl, tmp_path), "HTTPCACHE_EXPIRATION_SECS": 1},
        event=fake_event.event_id,
        round=fake_event.pool_round_id,
    )

    assert replayed.bundle == recorded.bundle
    assert len(fake_ftl.requests) == requests_after_recording


# ---------------------------------------------------------------- misses


@deferred_f_from_coro_f
async def test_a_request_missing_from_the_cassette_fails_the_crawl_naming_its_url(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    cassette = tmp_path / "cassette"
    await record(fake_ftl, fake_event, cassette, tmp_path)
    missing = remove_entry(cassette, "pool-05-" + fake_event.pool_ids[4] + ".html")
    requests_after_recording = len(fake_ftl.requests)

    replayed = await crawl_cassette(
        cassette,
        settings=server_settings(fake_ftl, tmp_path),
        event=fake_event.event_id,
        round=fake_event.pool_round_id,
    )

    assert replayed.outcome.status is ExitStatus.FAILED
    assert replayed.items == []
    [error] = replayed.outcome.errors
    assert isinstance(error, CassetteMissError)
    assert error.url == fake_ftl.url(missing["path"])
    assert error.pool_id == fake_event.pool_ids[4]
    assert f"GET {missing['path']} is not in the cassette {cassette}" in replayed.outcome.headline
    assert len(fake_ftl.requests) == requests_after_recording  # a miss never falls back to FTL


@deferred_f_from_coro_f
async def test_replaying_a_folder_that_is_no_cassette_says_so(tmp_path: Path, offline: None) -> None:
    run = await crawl_cassette(tmp_path / "nothing-here", event=DEMO_EVENT_ID, round=DEMO_ROUND_ID)

    assert run.outcome.status is ExitStatus.FAILED
    assert isinstance(run.outcome.errors[0], CassetteMissError)
    assert "there is no index.json there; cassettes shipped with ftl_scraper: demo" in run.outcome.headline


@deferred_f_from_coro_f
async def test_new_episodes_fetches_only_what_the_cassette_lacks(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    cassette = tmp_path / "cassette"
    await record(fake_ftl, fake_event, cassette, tmp_path)
    complete = stored_files(cassette)
    missing = remove_entry(cassette, "results-data.json")
    fake_ftl.reset()

    run = await crawl_cassette(
        cassette,
        mode="new_episodes",
        settings=server_settings(fake_ftl, tmp_path),
        event=fake_event.event_id,
        round=fake_event.pool_round_id,
    )

    assert [request.path for request in fake_ftl.requests] == [missing["path"]]
    assert run.bundle == fake_event.expected_bundle()
    assert stored_files(cassette) == complete


@deferred_f_from_coro_f
async def test_once_records_a_missing_cassette_then_replays_it(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    cassette = tmp_path / "cassette"
    ids = {"event": fake_event.event_id, "round": fake_event.pool_round_id}
    settings = server_settings(fake_ftl, tmp_path)

    first = await crawl_cassette(cassette, mode="once", settings=settings, **ids)
    second = await crawl_cassette(cassette, mode="once", settings=settings, **ids)

    assert len(fake_ftl.requests) == len(fake_event.pools) + 2
    assert first.bundle == second.bundle == fake_event.expected_bundle()


# ---------------------------------------------------------------- what a cassette holds


@deferred_f_from_coro_f
async def test_a_cassette_is_one_readable_file_per_page_plus_an_index(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    cassette = tmp_path / "cassette"
    await record(fake_ftl, fake_event, cassette, tmp_path)

    index = json.loads((cassette / INDEX_FILE).read_text(encoding="utf-8"))
    pool_files = [f"pool-{n:02d}-{pool_id}.html" for n, pool_id in enumerate(fake_event.pool_ids, 1)]
    assert [entry["body_file"] for entry in index["interactions"]] == [
        *pool_files,
        "pools-scores.html",
        "results-data.json",
    ]
    assert sorted(path.name for path in cassette.iterdir()) == sorted(
        [*pool_files, "pools-scores.html", "results-data.json", INDEX_FILE]
    )
    prefix = f"{fake_event.event_id}/{fake_event.pool_round_id}"
    assert index["interactions"][-2] == {
        "method": "GET",
        "path": f"/pools/scores/{prefix}",
        "status": 200,
        "headers": {"Content-Type": "text/html; charset=utf-8"},
        "body_file": "pools-scores.html",
    }
    assert index["interactions"][0]["path"] == f"/pools/scores/{prefix}/{fake_event.pool_ids[0]}?dbut=true"
    assert index["interactions"][-1]["headers"] == {"Content-Type": "application/json; charset=utf-8"}
    results = json.loads((cassette / "results-data.json").read_bytes())
    assert results == fake_event.results_json


@deferred_f_from_coro_f
async def test_recording_the_same_pages_twice_writes_identical_files(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    await record(fake_ftl, fake_event, tmp_path / "first", tmp_path)
    (tmp_path / "second").mkdir()
    (tmp_path / "second" / "stale.html").write_text("left from an earlier recording")
    (tmp_path / "second" / INDEX_FILE).write_text(
        '{"cassette_format": 1, "interactions": [{"method": "GET", "path": "/x", "status": 200, '
        '"headers": {}, "body_file": "stale.html"}]}'
    )

    await record(fake_ftl, fake_event, tmp_path / "second", tmp_path)

    assert stored_files(tmp_path / "first") == stored_files(tmp_path / "second")


@deferred_f_from_coro_f
async def test_no_cookie_or_credential_is_ever_written(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    session = "s%3AsEcReTsEsSiOn.SiGnAtUrE"
    pools_path = f"/pools/scores/{fake_event.event_id}/{fake_event.pool_round_id}"
    page = render_pools_page(fake_event.event_id, fake_event.pool_round_id, fake_event.pool_ids)
    secret_headers = {
        "Set-Cookie": f"connect.sid={session}; Path=/; HttpOnly",
        "X-Csrf-Token": "hEaDeRcSrFtOkEn",
        "Authorization": "Bearer bEaReRtOkEn",
    }
    fake_ftl.add_fault(pools_path, Status(200, page.encode(), secret_headers))
    cassette = tmp_path / "cassette"

    run = await record(fake_ftl, fake_event, cassette, tmp_path)

    assert run.bundle == fake_event.expected_bundle()
    # the crawl did hold a session: later requests sent the cookie back
    assert any(request.cookies.get("connect.sid") == session for request in fake_ftl.requests)
    everything = b"".join(stored_files(cassette).values()).lower()
    for secret in (session, "hEaDeRcSrFtOkEn", "bEaReRtOkEn", DEFAULT_CSRF_TOKEN, "connect.sid"):
        assert secret.lower().encode() not in everything
    for header in ("set-cookie", '"cookie"', "authorization", "x-csrf-token"):
        assert header.encode() not in everything
    assert b'<meta name="csrf_token" content="not-recorded">' in (cassette / "pools-scores.html").read_bytes()


@deferred_f_from_coro_f
async def test_a_recording_behind_ftls_login_keeps_no_trace_of_it(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    username, password = "carol@example.com", "pa55-w0rd!"
    fake_ftl.require_login = True
    monkeypatch.setitem(fake_ftl.accounts, username, password)
    monkeypatch.setenv("FTL_USERNAME", username)
    monkeypatch.setenv("FTL_PASSWORD", password)
    monkeypatch.setenv("FTL_STATE_DIR", str(tmp_path / "state"))
    cassette = tmp_path / "cassette"

    recorded = await record(fake_ftl, fake_event, cassette, tmp_path)
    session_ids = {request.cookies["connect.sid"] for request in fake_ftl.requests if request.cookies}
    for name in ("FTL_USERNAME", "FTL_PASSWORD"):
        monkeypatch.delenv(name)
    go_offline(monkeypatch)
    replayed = await crawl_cassette(cassette, event=fake_event.event_id, round=fake_event.pool_round_id)

    assert fake_ftl.login_count == 1
    assert session_ids  # the recording did carry a logged-in session
    everything = b"".join(stored_files(cassette).values())
    for secret in (*session_ids, username, password, quote_plus(password), DEFAULT_CSRF_TOKEN, "connect.sid"):
        assert secret.encode() not in everything
    assert len(json.loads((cassette / INDEX_FILE).read_bytes())["interactions"]) == len(fake_event.pools) + 2
    assert replayed.bundle == recorded.bundle == fake_event.expected_bundle()  # no login needed


@deferred_f_from_coro_f
async def test_a_recorded_error_is_retried_from_the_cassette_not_from_ftl(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    results_path = f"/pools/results/data/{fake_event.event_id}/{fake_event.pool_round_id}"
    fast_retries = {**server_settings(fake_ftl, tmp_path), "FTL_RETRY_BACKOFF_BASE": 0.001}
    ids = {"event": fake_event.event_id, "round": fake_event.pool_round_id}
    cassette = tmp_path / "cassette"
    await crawl_cassette(cassette, mode="record", settings=fast_retries, **ids)
    # a failed crawl records nothing: an error status gets into a cassette by editing it
    index = json.loads((cassette / INDEX_FILE).read_text(encoding="utf-8"))
    [entry] = [e for e in index["interactions"] if e["path"] == results_path]
    entry["status"] = 503
    (cassette / INDEX_FILE).write_text(json.dumps(index), encoding="utf-8")
    requests_after_recording = len(fake_ftl.requests)

    replayed = await crawl_cassette(cassette, settings=fast_retries, partial=1, **ids)

    assert len(fake_ftl.requests) == requests_after_recording
    assert replayed.stats["retry/count"] == 2  # each retry answered by the cassette's 503 again
    [error] = replayed.outcome.errors
    assert isinstance(error, HttpStatusError)
    assert error.status == 503
    assert error.url == fake_ftl.url(results_path)
    assert replayed.bundle["pools"] == fake_event.expected_bundle()["pools"]


# ---------------------------------------------------------------- small parts


def test_an_unknown_mode_is_refused_with_the_choices() -> None:
    with pytest.raises(InvalidArgumentError, match="one of replay, record, new_episodes, once; got 'al'"):
        CassetteMode.parse("al")


def test_a_body_file_outside_the_cassette_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / INDEX_FILE).write_text(
        '{"cassette_format": 1, "interactions": [{"method": "GET", "path": "/", "status": 200, '
        '"headers": {}, "body_file": "../../etc/passwd"}]}'
    )

    with pytest.raises(CassetteFormatError, match="not a file name inside the cassette"):
        Cassette.load(tmp_path)


def test_a_bare_name_means_a_shipped_cassette_unless_a_folder_has_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_cassette_folder("demo", recording=False) == DEMO
    assert resolve_cassette_folder("./demo", recording=False) == Path("demo")  # a path, even if absent
    assert resolve_cassette_folder("demo", recording=True) == Path("demo")  # never write the package
    (tmp_path / "demo").mkdir()
    assert resolve_cassette_folder("demo", recording=False) == Path("demo")
    assert resolve_cassette_folder("cassettes/demo", recording=False) == Path("cassettes/demo")
    assert resolve_cassette_folder("./demo", recording=False) == Path("demo")


# ---------------------------------------------------------------- the shipped demo event


@deferred_f_from_coro_f
async def test_demo_cassette_replays_offline_into_the_events_ground_truth(
    tmp_path: Path, offline: None
) -> None:
    run = await crawl_cassette(
        "demo",
        settings={"HTTPCACHE_DIR": str(tmp_path / "httpcache")},
        event=DEMO_EVENT_ID,
        round=DEMO_ROUND_ID,
    )

    assert run.outcome.status is ExitStatus.OK
    assert run.bundle == demo_event().expected_bundle()
    jsonschema.validate(run.bundle, load_bundle_schema())
    PoolsBundle.model_validate(run.bundle)


@deferred_f_from_coro_f
async def test_demo_event_shows_what_ftl_shows(offline: None) -> None:
    run = await crawl_cassette("demo", event=DEMO_EVENT_ID, round=DEMO_ROUND_ID)
    bundle = PoolsBundle.model_validate(run.bundle)

    assert bundle.complete
    assert len(bundle.pools) >= 30
    assert {len(pool.fencers) for pool in bundle.pools} == {6, 7}
    winning_scores = {
        max(bout.score_a or 0, bout.score_b or 0) for pool in bundle.pools for bout in pool.bouts
    }
    assert {3, 4, 5} <= winning_scores  # V3 and V4 wins besides the usual V5
    labels = [fencer.status_label for pool in bundle.pools for fencer in pool.fencers]
    assert labels.count(MEDICAL_WITHDRAWAL) == 1
    assert labels.count(FAILED_TO_APPEAR) == 1
    assert all(pool.strip and pool.strip.isdigit() and pool.start_time for pool in bundle.pools)
    times_by_strip: dict[str, set[str]] = {}
    for pool in bundle.pools:
        times_by_strip.setdefault(pool.strip or "", set()).add(pool.start_time or "")
    assert {"9:00 AM", "10:45 AM"} in times_by_strip.values()  # a strip reused across two flights
    assert bundle.results is not None
    assert {fencer.status for fencer in bundle.results.fencers} == {"advanced", "eliminated"}


@deferred_f_from_coro_f
async def test_demo_files_parse_directly_into_what_the_crawl_exports(offline: None) -> None:
    cassette = Cassette.load(DEMO)
    by_file = {name: cassette.interactions[key] for key, name in body_file_names(cassette).items()}
    run = await crawl_cassette("demo", event=DEMO_EVENT_ID, round=DEMO_ROUND_ID)

    pool_ids = parse_pool_ids(by_file["pools-scores.html"].body.decode())
    pools: list[Pool] = []
    for number, pool_id in enumerate(pool_ids, start=1):
        html = by_file[f"pool-{number:02d}-{pool_id}.html"].body.decode()
        pools.append(parse_pool_html(html, pool_id))
    results: PoolResults = parse_pool_results(
        by_file["results-data.json"].body, event_id=DEMO_EVENT_ID, pool_round_id=DEMO_ROUND_ID
    )

    assert pool_ids == run.bundle["pool_ids"]
    assert [pool.model_dump(mode="json") for pool in pools] == run.bundle["pools"]
    assert results.model_dump(mode="json") == run.bundle["results"]


def test_readme_main_command_crawls_the_demo_offline(tmp_path: Path) -> None:
    # the venv's own `scrapy` script, as the README runs it; only the output goes elsewhere
    scrapy, *arguments = README_COMMAND.split()
    command = [str(Path(sys.executable).with_name(scrapy)), *arguments[:-1], str(tmp_path / "bundle.json")]
    env = offline_environment(tmp_path)

    completed = subprocess.run(
        command,
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    [bundle] = json.loads((tmp_path / "bundle.json").read_text(encoding="utf-8"))
    assert bundle == demo_event().expected_bundle()
    assert bundle["complete"] is True
    assert len(bundle["pools"]) == 32


def test_a_replay_miss_exits_1_with_one_line_naming_the_url(tmp_path: Path) -> None:
    unknown_round = "0" * 32
    env = {**os.environ, "http_proxy": DEAD_PROXY, "https_proxy": DEAD_PROXY}
    completed = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "pools", "-a", f"event={DEMO_EVENT_ID}",
         "-a", f"round={unknown_round}", "-s", "FTL_CASSETTE=demo", "-O", str(tmp_path / "b.json")],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # fmt: skip

    assert completed.returncode == ExitStatus.FAILED
    [line] = [line for line in completed.stderr.splitlines() if line.startswith("ftl_scraper: error:")]
    assert "is not in the cassette" in line
    assert "https://www.fencingtimelive.com/pools/" in line
    assert unknown_round in line
    assert not (tmp_path / "b.json").exists()


def test_demo_cassette_files_are_exactly_the_index(tmp_path: Path) -> None:
    index = json.loads((DEMO / INDEX_FILE).read_text(encoding="utf-8"))
    listed = sorted(entry["body_file"] for entry in index["interactions"])
    assert sorted(path.name for path in DEMO.iterdir()) == sorted([*listed, INDEX_FILE])
    # the demo event: pools page + 32 pools + results JSON, its tableau's trees JSON + one tree; its
    # tournament: the schedule, each event's results page and JSON, the pools pages, pools and
    # results JSON of its other rounds, and the trees JSON and trees of its other tableaus
    tournament = demo_tournament()
    other_rounds = [r for e in tournament.events for r in e.rounds if r.pool_round_id != DEMO_ROUND_ID]
    other_tableaus = [d for e in tournament.events for d in e.tableaus if d.tableau_id != DEMO_TABLEAU_ID]
    assert len(other_tableaus) == 1
    assert len(listed) == (
        36
        + 1
        + 2 * len(tournament.events)
        + sum(len(r.pools) + 2 for r in other_rounds)
        + sum(1 + len(d.trees) for d in other_tableaus)
    )
    shutil.copytree(DEMO, tmp_path / "copy")
    Cassette.load(tmp_path / "copy").save()  # loading and saving changes nothing
    assert stored_files(tmp_path / "copy") == stored_files(DEMO)
