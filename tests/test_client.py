"""FtlClient and AsyncFtlClient: bundles, errors, timeouts, one cap and one login for all calls.
The blocking client runs in a child process: here pytest's reactor runs in the test thread."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f

from ftl_scraper import AsyncFtlClient, FtlClient, fetch_pools_bundle
from ftl_scraper.errors import (
    CrawlTimeoutError,
    FtlError,
    HttpStatusError,
    InvalidArgumentError,
    InvalidSettingError,
    ReactorUnavailableError,
)
from ftl_scraper.run import default_clients, reactor_thread
from tests.client_scenarios import events, tableau, tournament
from tests.fakeftl import FakeEvent, FakeFtlServer
from tests.services import clean_environment

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What the client did in a process of its own, once for the whole module."""
    state_dir = tmp_path_factory.mktemp("client-state")
    completed = subprocess.run(
        [sys.executable, "-m", "tests.client_scenarios"],
        cwd=REPO_ROOT,
        env=clean_environment(FTL_STATE_DIR=str(state_dir)),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture(scope="module")
def truth() -> dict[str, FakeEvent]:
    return events()


def test_a_call_returns_the_round_as_the_stand_in_generated_it(
    report: dict[str, Any], truth: dict[str, FakeEvent]
) -> None:
    main = truth["main"]
    assert report["first"]["bundle"] == main.expected_bundle()
    assert report["first"]["requests"] == len(main.pools) + 2


def test_a_tableau_call_returns_the_bracket_as_the_stand_in_generated_it(report: dict[str, Any]) -> None:
    assert report["tableau"] == tableau().expected_bundle()


def test_a_later_call_reuses_the_connections_the_first_left_open(
    report: dict[str, Any], truth: dict[str, FakeEvent]
) -> None:
    refreshed = report["refreshed"]
    assert refreshed["bundle"] == truth["main"].expected_bundle()
    assert refreshed["requests"] == len(truth["main"].pools) + 2
    assert refreshed["connections_opened"] == 0


def test_an_event_call_returns_the_event_as_the_stand_in_generated_it(report: dict[str, Any]) -> None:
    schedule = tournament()
    assert report["event"] == schedule.events[0].expected_bundle(schedule)


def test_a_tournament_call_returns_every_event_of_the_schedule(report: dict[str, Any]) -> None:
    schedule = tournament()
    expected = [event.expected_tournament_item(schedule) for event in schedule.events]
    assert sorted(report["tournament"], key=lambda item: item["event_id"]) == sorted(
        expected, key=lambda item: item["event_id"]
    )


def test_a_second_call_is_served_from_the_shared_http_cache(
    report: dict[str, Any], truth: dict[str, FakeEvent]
) -> None:
    assert report["cached"]["bundle"] == truth["main"].expected_bundle()
    assert report["cached"]["requests"] == 0


def test_calls_answered_from_the_disk_cache_then_from_memory_return_the_whole_round(
    report: dict[str, Any], truth: dict[str, FakeEvent]
) -> None:
    calls = report["from_disk_then_memory"]

    assert calls["bundles"] == [truth["main"].expected_bundle()] * 3
    assert calls["requests"] == 0


def test_a_failed_page_raises_the_projects_error_with_its_context(
    report: dict[str, Any], truth: dict[str, FakeEvent]
) -> None:
    main = truth["main"]
    failed = report["failed"]
    assert failed["type"] == HttpStatusError.__name__
    assert failed["is_ftl_error"]
    assert failed["status"] == 404
    assert failed["pool_id"] == main.pool_ids[3]
    assert failed["event_id"] == main.event_id
    assert failed["pool_round_id"] == main.pool_round_id


def test_the_client_keeps_working_after_a_failed_crawl(
    report: dict[str, Any], truth: dict[str, FakeEvent]
) -> None:
    assert report["after_failure"] == truth["second"].expected_bundle()


def test_a_call_that_outlasts_its_timeout_is_stopped_with_a_timeout_error(
    report: dict[str, Any], truth: dict[str, FakeEvent]
) -> None:
    timed_out = report["timed_out"]
    assert timed_out["type"] == CrawlTimeoutError.__name__
    assert timed_out["is_ftl_error"]
    assert "0.3 s" in timed_out["message"]
    assert timed_out["pool_round_id"] == truth["main"].pool_round_id


def test_closing_the_client_stops_a_call_another_thread_waits_for(report: dict[str, Any]) -> None:
    closed = report["closed_during_call"]
    assert closed["type"] == FtlError.__name__
    assert "closed while the crawl ran" in closed["message"]


def test_a_bad_setting_is_refused_when_the_client_is_made(report: dict[str, Any]) -> None:
    bad_setting = report["bad_setting"]
    assert bad_setting["type"] == InvalidSettingError.__name__
    assert (
        bad_setting["message"] == "FTL_CIRCUIT_BREAKER_THRESHOLD must be greater than or equal to 0, got -3"
    )
    assert bad_setting["requests"] == 0


def test_closing_the_client_ends_its_reactor_thread(report: dict[str, Any]) -> None:
    assert report["reactor_threads_open"] == 1
    assert report["reactor_threads_closed"] == 0
    assert report["reactor_threads_after_async"] == 0
    assert report["after_close"]["type"] == FtlError.__name__
    assert "closed" in report["after_close"]["message"]


def test_calls_from_several_threads_share_one_politeness_cap(
    report: dict[str, Any], truth: dict[str, FakeEvent]
) -> None:
    main = truth["main"]
    threads = report["threads"]
    assert threads["bundles"] == [main.expected_bundle()] * 4
    assert threads["requests"] == 4 * (len(main.pools) + 2)
    # the cap is 2 for the client: four crawls at once, two requests in flight in all
    assert threads["peak_in_flight"] == 2


def test_the_async_client_runs_concurrent_calls_from_an_asyncio_program(
    report: dict[str, Any], truth: dict[str, FakeEvent]
) -> None:
    assert report["async"] == [truth["main"].expected_bundle(), truth["second"].expected_bundle()]


def test_fetch_pools_bundle_crawls_in_process_where_it_can(
    report: dict[str, Any], truth: dict[str, FakeEvent]
) -> None:
    main = truth["main"]
    assert report["fetch_pools_bundle"] == main.expected_bundle()
    assert report["fetch_pools_bundle_requests"] == 0  # the client's HTTP cache, no child
    assert not any("child process" in message for message in report["fetch_pools_bundle_log"])


def test_calls_at_once_share_one_login_and_never_log_the_password(
    report: dict[str, Any], truth: dict[str, FakeEvent]
) -> None:
    login = report["login"]
    assert login["bundles"] == [truth["main"].expected_bundle()] * 3
    assert login["logins"] == 1
    assert login["records"] > 0  # the scenario logged everything at DEBUG
    assert not login["password_logged"]


def test_the_callers_logging_configuration_is_left_alone(report: dict[str, Any]) -> None:
    assert report["logging_after"] == report["logging_before"]


# -- in this process: pytest-twisted's asyncio reactor runs in the test thread


@deferred_f_from_coro_f
async def test_the_async_client_runs_on_the_callers_reactor_loop(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    settings = {"FTL_BASE_URL": fake_ftl.base_url, "HTTPCACHE_DIR": str(tmp_path / "cache")}
    async with AsyncFtlClient(settings) as client:
        bundle = await client.pools(fake_event.event_id, fake_event.pool_round_id)

    assert bundle.model_dump(mode="json") == fake_event.expected_bundle()
    assert reactor_thread.REACTOR_THREAD.loop is None  # no thread of its own


def test_the_blocking_client_refuses_a_process_with_another_reactor_running() -> None:
    with pytest.raises(ReactorUnavailableError, match="already installed"):
        FtlClient()


@deferred_f_from_coro_f
async def test_a_malformed_id_fails_in_the_caller_before_any_request(fake_ftl: FakeFtlServer) -> None:
    async with AsyncFtlClient({"FTL_BASE_URL": fake_ftl.base_url}) as client:
        with pytest.raises(InvalidArgumentError, match="round must be a 32-character hexadecimal FTL ID"):
            await client.pools("A" * 32, "not-an-id")

    assert fake_ftl.requests == []


def test_fetch_pools_bundle_falls_back_to_a_child_process_and_says_so_once(
    fake_ftl: FakeFtlServer,
    fake_event: FakeEvent,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(default_clients, "_unavailable", None)  # as in a fresh process
    settings = {"FTL_BASE_URL": fake_ftl.base_url, "HTTPCACHE_DIR": str(tmp_path / "cache")}

    with caplog.at_level(logging.INFO, logger="ftl_scraper.run.default_clients"):
        first = fetch_pools_bundle(fake_event.event_id, fake_event.pool_round_id, settings=settings)
        second = fetch_pools_bundle(fake_event.event_id, fake_event.pool_round_id, settings=settings)

    assert first == second == fake_event.expected_bundle()
    fallbacks = [record for record in caplog.records if "child process" in record.getMessage()]
    assert len(fallbacks) == 1
