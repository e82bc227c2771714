"""Whole crawls against the fake FTL with one fault each: what FTL sees, what the user gets."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f

from ftl_scraper.errors import (
    FetchError,
    HostUnavailableError,
    HttpStatusError,
    LoginRequiredError,
    PoolParseError,
    ResultsParseError,
)
from ftl_scraper.fetching.retry import Backoff
from ftl_scraper.run.outcome import ExitStatus

from .crawling import CrawlRun, crawl_pools, project_settings
from .fakeftl import Body, Delay, FakeEvent, FakeFtlServer, Reset, Status, generate_event
from .fakeftl.render import render_login_page
from .fakeftl.server import JSON, RecordedRequest

BACKOFF_BASE = 0.05
JITTER_SEED = 7


def pools_path(fake_event: FakeEvent) -> str:
    return f"/pools/scores/{fake_event.event_id}/{fake_event.pool_round_id}"


def fragment_path(fake_event: FakeEvent, index: int = 0) -> str:
    return f"{pools_path(fake_event)}/{fake_event.pool_ids[index]}"


def results_path(fake_event: FakeEvent) -> str:
    return f"/pools/results/data/{fake_event.event_id}/{fake_event.pool_round_id}"


async def crawl(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path, *, partial: bool = False, **settings: Any
) -> CrawlRun:
    merged: dict[str, Any] = {
        "FTL_BASE_URL": fake_ftl.base_url,
        "HTTPCACHE_DIR": str(tmp_path / "httpcache"),
        "FTL_RETRY_BACKOFF_BASE": BACKOFF_BASE,
        "FTL_RETRY_JITTER_SEED": JITTER_SEED,
        "DOWNLOAD_TIMEOUT": 0.5,
        **settings,
    }
    return await crawl_pools(
        project_settings(**merged), event=fake_event.event_id, round=fake_event.pool_round_id, partial=partial
    )


# the server times a reply's end after its last write; the client may start waiting a little sooner
CLOCK_SLACK = 0.05


def attempts(fake_ftl: FakeFtlServer, path: str) -> list[RecordedRequest]:
    """Requests for exactly this path (a prefix match would count the pool fragments too)."""
    path_only = path.split("?")[0]
    return sorted(
        (request for request in fake_ftl.requests if request.path.split("?")[0] == path_only),
        key=lambda request: request.start,
    )


def gaps(requests: list[RecordedRequest]) -> list[float]:
    """Seconds from the end of each attempt to the start of the next one."""
    return [after.start - (before.end or before.start) for before, after in itertools.pairwise(requests)]


def only_error(run: CrawlRun) -> Any:
    outcome = run.outcome
    assert outcome.status is ExitStatus.FAILED
    assert run.items == []
    return outcome.errors[0]


# ---------------------------------------------------------------- retries and backoff


@deferred_f_from_coro_f
async def test_503_twice_then_200_recovers_after_growing_gaps(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    fake_ftl.add_fault(results_path(fake_event), Status(503), Status(503))
    run = await crawl(fake_ftl, fake_event, tmp_path, FTL_RETRY_BACKOFF_BASE=0.2)

    assert run.bundle == fake_event.expected_bundle()
    tries = attempts(fake_ftl, results_path(fake_event))
    assert len(tries) == 3
    first_gap, second_gap = gaps(tries)
    backoff = Backoff(base=0.2, cap=8.0, rng=random.Random(JITTER_SEED))
    expected_delays = [backoff.delay(1), backoff.delay(2)]  # what the seeded middleware draws
    # the first retry waits 0.2 s plus jitter, the second 0.4 s plus jitter: never less (the gaps
    # are timed by the server, whose "end" can be a few ms after the client had the answer); that
    # it waits no more is the stat below, as a busy machine can only add scheduling latency
    assert expected_delays[0] - CLOCK_SLACK <= first_gap
    assert expected_delays[1] - CLOCK_SLACK <= second_gap
    assert 0.2 <= expected_delays[0] < 0.4 <= expected_delays[1]
    assert run.stats["retry/count"] == 2
    assert run.stats["retry/backoff_seconds"] == pytest.approx(sum(expected_delays))
    # the wait blocks only that request: pool fragments went out while it slept
    waiting = (tries[0].end or 0, tries[1].start)
    fragments = [r for r in fake_ftl.requests if r.path.startswith(pools_path(fake_event) + "/")]
    assert any(waiting[0] < r.start < waiting[1] for r in fragments)


@deferred_f_from_coro_f
async def test_500_forever_fails_naming_the_pool_after_three_attempts(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    failing = fragment_path(fake_event, 3)
    fake_ftl.add_fault(failing, Status(500), forever=True)
    run = await crawl(fake_ftl, fake_event, tmp_path)

    error = only_error(run)
    assert isinstance(error, HttpStatusError)
    assert error.status == 500
    assert (error.event_id, error.pool_round_id) == (fake_event.event_id, fake_event.pool_round_id)
    assert error.pool_id == fake_event.pool_ids[3]
    assert error.url == fake_ftl.url(failing) + "?dbut=true"
    assert str(error) == (
        f"FTL answered HTTP 500 (event {fake_event.event_id}, round {fake_event.pool_round_id}, "
        f"pool {fake_event.pool_ids[3]}, {error.url})"
    )
    assert len(attempts(fake_ftl, failing)) == 3
    # two short backoffs, base * 2**(n-1) + U(0, base) each (how long it takes: benchmarks/failures.py)
    assert run.stats["retry/backoff_seconds"] < (1 + 1) * BACKOFF_BASE + (2 + 1) * BACKOFF_BASE


@deferred_f_from_coro_f
async def test_fail_fast_stops_sending_requests(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    # one page in flight at a time: after the first pool fails, at most the one request that
    # took over its transfer slot while the failure was being read may still go out (the
    # latency keeps the next answers from racing ahead of that reading, as FTL's would)
    fake_ftl.latency = 0.05
    fake_ftl.add_fault(pools_path(fake_event) + "/", Status(404))  # whichever pool goes first
    run = await crawl(fake_ftl, fake_event, tmp_path, CONCURRENT_REQUESTS_PER_DOMAIN=1)

    assert only_error(run).pool_id in fake_event.pool_ids
    fragments = [r for r in fake_ftl.requests if r.path.startswith(pools_path(fake_event) + "/")]
    assert len(fragments) <= 2 < len(fake_event.pool_ids)


@deferred_f_from_coro_f
async def test_404_is_final_one_request_no_retry(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    fake_ftl.add_fault(results_path(fake_event), Status(404), forever=True)
    run = await crawl(fake_ftl, fake_event, tmp_path)

    error = only_error(run)
    assert isinstance(error, HttpStatusError)
    assert error.status == 404
    assert error.url == fake_ftl.url(results_path(fake_event))
    assert "HTTP 404" in str(error)
    assert len(attempts(fake_ftl, results_path(fake_event))) == 1
    assert "retry/count" not in run.stats


@deferred_f_from_coro_f
async def test_a_response_slower_than_the_timeout_is_retried_then_reported(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    fake_ftl.add_fault(results_path(fake_event), Delay(3), forever=True)
    run = await crawl(fake_ftl, fake_event, tmp_path, DOWNLOAD_TIMEOUT=0.3)

    error = only_error(run)
    assert isinstance(error, FetchError)
    assert str(error).startswith("FTL did not answer in time after 0.3 s (event ")
    assert error.url == fake_ftl.url(results_path(fake_event))
    assert len(attempts(fake_ftl, results_path(fake_event))) == 3


@deferred_f_from_coro_f
async def test_a_connection_reset_is_retried(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    fake_ftl.add_fault(fragment_path(fake_event, 5), Reset(), Reset())
    run = await crawl(fake_ftl, fake_event, tmp_path)

    assert run.bundle == fake_event.expected_bundle()
    assert len(attempts(fake_ftl, fragment_path(fake_event, 5))) == 3


@deferred_f_from_coro_f
async def test_429_waits_as_long_as_retry_after_asks(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    fake_ftl.add_fault(results_path(fake_event), Status(429, headers={"Retry-After": "1"}))
    run = await crawl(fake_ftl, fake_event, tmp_path)

    assert run.bundle == fake_event.expected_bundle()
    tries = attempts(fake_ftl, results_path(fake_event))
    assert len(tries) == 2
    [gap] = gaps(tries)
    # our own backoff would have waited 0.05-0.1 s; the stat below says it waited no longer
    assert gap >= 1.0 - CLOCK_SLACK
    assert run.stats["retry/backoff_seconds"] == 1.0


@deferred_f_from_coro_f
async def test_a_retry_after_beyond_the_maximum_fails_at_once(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    fake_ftl.add_fault(results_path(fake_event), Status(503, headers={"Retry-After": "3600"}), forever=True)
    run = await crawl(fake_ftl, fake_event, tmp_path, FTL_RETRY_AFTER_MAX=5)

    error = only_error(run)
    assert isinstance(error, HttpStatusError)
    assert error.status == 503
    assert "asked us to wait 3600 s before retrying (Retry-After)" in str(error)
    assert "FTL_RETRY_AFTER_MAX (5 s)" in str(error)
    assert len(attempts(fake_ftl, results_path(fake_event))) == 1
    assert "retry/backoff_seconds" not in run.stats  # no wait at all


# ---------------------------------------------------------------- pages that do not parse


@deferred_f_from_coro_f
async def test_malformed_pool_html_is_a_parse_error_naming_the_pool(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    fake_ftl.add_fault(
        fragment_path(fake_event, 2), Body(b"<html><body><p>Pool coming soon</p></body></html>")
    )
    run = await crawl(fake_ftl, fake_event, tmp_path)

    error = only_error(run)
    assert isinstance(error, PoolParseError)
    assert error.pool_id == fake_event.pool_ids[2]
    assert error.url == fake_ftl.url(fragment_path(fake_event, 2)) + "?dbut=true"
    assert "no pool table (table.poolTable)" in str(error)  # what was missing
    assert f"event {fake_event.event_id}, round {fake_event.pool_round_id}" in str(error)
    assert len(attempts(fake_ftl, fragment_path(fake_event, 2))) == 1  # a parse error is not retried


@deferred_f_from_coro_f
async def test_malformed_json_is_a_parse_error_naming_the_endpoint(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    fake_ftl.add_fault(results_path(fake_event), Body(b'[{"id": "', content_type=JSON))
    run = await crawl(fake_ftl, fake_event, tmp_path)

    error = only_error(run)
    assert isinstance(error, ResultsParseError)
    assert "not valid JSON" in str(error)
    assert error.url == fake_ftl.url(results_path(fake_event))
    assert str(error).endswith(
        f"(event {fake_event.event_id}, round {fake_event.pool_round_id}, {error.url})"
    )


# ---------------------------------------------------------------- login wall


@deferred_f_from_coro_f
async def test_a_redirect_to_login_is_reported_as_login_required(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    fake_ftl.require_login = True
    run = await crawl(fake_ftl, fake_event, tmp_path)

    error = only_error(run)
    assert isinstance(error, LoginRequiredError)
    # "... for this page" (LoginWallMiddleware), or how to log in (the login middleware)
    assert error.message.startswith("FTL requires login")
    # the page asked for, not the login page; and the redirect was not followed
    assert error.url in {fake_ftl.url(pools_path(fake_event)), fake_ftl.url(results_path(fake_event))}
    assert fake_ftl.hits("/account/login") == 0
    assert run.stats.get("retry/count") is None


@deferred_f_from_coro_f
async def test_a_200_login_page_is_login_required_not_a_parse_error(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    fake_ftl.add_fault(results_path(fake_event), Body(render_login_page("tok").encode()))
    run = await crawl(fake_ftl, fake_event, tmp_path)

    error = only_error(run)
    assert type(error) is LoginRequiredError
    assert error.message.startswith("FTL requires login")
    assert error.url == fake_ftl.url(results_path(fake_event))


# ---------------------------------------------------------------- concurrency


@pytest.fixture(scope="module")
def small_event() -> FakeEvent:
    # 10 pools: more fragments than the largest cap, few enough for a quick serial crawl
    return generate_event(seed=5, pool_count=10)


@pytest.mark.parametrize("cap", [1, 2, 8])
@deferred_f_from_coro_f
async def test_requests_in_flight_never_exceed_the_per_domain_cap(
    fake_ftl: FakeFtlServer, small_event: FakeEvent, tmp_path: Path, cap: int
) -> None:
    fake_ftl.add_event(small_event)
    fake_ftl.latency = 0.03  # long enough for requests to overlap
    run = await crawl(fake_ftl, small_event, tmp_path, CONCURRENT_REQUESTS_PER_DOMAIN=cap)

    assert run.bundle == small_event.expected_bundle()
    # reached (the crawl is concurrent) and never exceeded; counted up to each answer's first byte,
    # as the server notes a reply's end only after the client may have sent its next request
    assert fake_ftl.peak_awaiting_answer == cap


# ---------------------------------------------------------------- circuit breaker


@deferred_f_from_coro_f
async def test_circuit_breaker_stops_a_crawl_when_ftl_is_down(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    fake_ftl.add_fault(lambda path: True, Status(503), forever=True)
    run = await crawl(fake_ftl, fake_event, tmp_path, FTL_CIRCUIT_BREAKER_THRESHOLD=2)

    error = only_error(run)
    assert isinstance(error, HostUnavailableError)
    assert str(error).startswith("FTL is not answering: 2 failed attempts in a row from 127.0.0.1:")
    assert "(last: HTTP 503)" in str(error)
    # both start requests failed once each; neither was retried
    assert len(fake_ftl.requests) == 2


@deferred_f_from_coro_f
async def test_circuit_breaker_spares_every_retry_of_every_pool(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    # partial mode would otherwise try each of the 24 pools and the results 3 times (75 requests)
    fake_ftl.add_fault(lambda path: path != pools_path(fake_event), Status(503), forever=True)
    run = await crawl(fake_ftl, fake_event, tmp_path, partial=True, CONCURRENT_REQUESTS_PER_DOMAIN=4)

    assert run.stats["ftl/circuit_breaker/tripped"] == 1
    assert len(fake_ftl.requests) <= 1 + 5 + 4  # the pools page, the 5 failures, what was in flight
    assert run.bundle["complete"] is False
    kinds = {error["kind"] for error in run.bundle["errors"]}
    assert "HostUnavailableError" in kinds


# ---------------------------------------------------------------- partial mode


@deferred_f_from_coro_f
async def test_partial_mode_keeps_what_succeeded_and_lists_what_failed(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    fake_ftl.add_fault(fragment_path(fake_event, 4), Status(500), forever=True)
    run = await crawl(fake_ftl, fake_event, tmp_path, partial=True)

    assert run.outcome.status is ExitStatus.PARTIAL
    bundle = run.bundle
    expected = fake_event.expected_bundle()
    assert bundle["complete"] is False
    assert bundle["pool_ids"] == expected["pool_ids"]
    assert bundle["pools"] == [p for p in expected["pools"] if p["pool_id"] != fake_event.pool_ids[4]]
    assert bundle["results"] == expected["results"]
    [error] = bundle["errors"]
    assert error["pool_id"] == fake_event.pool_ids[4]
    assert error["kind"] == "HttpStatusError"
    assert "FTL answered HTTP 500" in error["message"]
    assert len(attempts(fake_ftl, fragment_path(fake_event, 4))) == 3
    json.dumps(bundle)  # exportable as is


@deferred_f_from_coro_f
async def test_partial_mode_without_the_pools_page_still_writes_the_ranking(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    fake_ftl.add_fault(pools_path(fake_event), Status(404), forever=True)
    run = await crawl(fake_ftl, fake_event, tmp_path, partial=True)

    assert run.outcome.status is ExitStatus.PARTIAL
    bundle = run.bundle
    assert (bundle["complete"], bundle["pool_ids"], bundle["pools"]) == (False, [], [])
    assert bundle["results"] == fake_event.expected_bundle()["results"]
    [error] = bundle["errors"]
    assert (error["kind"], error["pool_id"]) == ("HttpStatusError", None)
    assert error["url"] == fake_ftl.url(pools_path(fake_event))
    assert attempts(fake_ftl, fragment_path(fake_event)) == []


@deferred_f_from_coro_f
async def test_fail_fast_does_not_wait_out_other_pages_backoff(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    # the results JSON is told to come back in 3 s; meanwhile a pool fails for good
    fake_ftl.add_fault(results_path(fake_event), Status(503, headers={"Retry-After": "3"}))
    fake_ftl.add_fault(pools_path(fake_event) + "/", Status(404))
    run = await crawl(fake_ftl, fake_event, tmp_path)

    assert isinstance(only_error(run), HttpStatusError)
    assert len(attempts(fake_ftl, results_path(fake_event))) == 1  # the retry was never sent
