"""Shared crawls: `tournament` workers over one real Redis and one stand-in FTL, each page once."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from scrapy import Request, Spider
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from ftl_scraper.distributed.checks import check_shared_crawl_settings
from ftl_scraper.distributed.host_slots import HostSlots
from ftl_scraper.distributed.scheduler import RedisUnitScheduler
from ftl_scraper.distributed.units import UNIT_META
from ftl_scraper.errors import InvalidArgumentError
from tests.cassettes import DEMO_TOURNAMENT_ID, demo_tournament
from tests.fakeftl import EventPlan, FakeEvent, FakeFtlServer, FakeTournament, generate_tournament
from tests.redis_service import RedisService, start_worker
from tests.services import free_port

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_CAP = 3  # below one worker's own cap (8): only the shared slots can hold it across workers


@pytest.fixture(scope="module")
def redis_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisService]:
    service = RedisService(tmp_path_factory.mktemp("redis")).start()
    yield service
    service.stop()


@pytest.fixture(scope="module")
def tournament() -> FakeTournament:
    """Eight events: one to three pool rounds of three to five pools, one not started yet."""
    plans = [EventPlan(rounds=1 + n % 3, pool_count=3 + n % 3) for n in range(7)] + [EventPlan(rounds=0)]
    return generate_tournament(plans, seed=15)


def start_tournament_worker(
    redis_service: RedisService,
    server: FakeFtlServer,
    tournament: FakeTournament,
    output: Path,
    crawl_id: str,
) -> subprocess.Popen[str]:
    settings = {
        "REDIS_URL": redis_service.url,
        "FTL_CRAWL_ID": crawl_id,
        "FTL_SHARED_HOST_CAP": str(SHARED_CAP),
        "FTL_BASE_URL": server.base_url,
    }
    return start_worker("tournament", {"tournament": tournament.tournament_id}, settings, output)


def test_two_workers_share_one_crawl_each_page_once_and_the_cap_across_them(
    redis_service: RedisService, tournament: FakeTournament, tmp_path: Path
) -> None:
    server = FakeFtlServer(latency=0.05)
    server.add_tournament(tournament)
    with server:
        outputs = [tmp_path / f"worker-{n}.jsonl" for n in (1, 2)]
        workers = [
            start_tournament_worker(redis_service, server, tournament, output, "two-workers")
            for output in outputs
        ]
        finished = [worker.communicate(timeout=120) for worker in workers]
        paths = [request.path for request in server.requests]
        peak = server.peak_awaiting_answer
        # a worker started once the crawl is over finds nothing to do, and ends
        late_output = tmp_path / "late.jsonl"
        late = start_tournament_worker(redis_service, server, tournament, late_output, "two-workers")
        late_stderr = late.communicate(timeout=120)[1]
        late_requests = len(server.requests) - len(paths)

    for worker, (_, stderr) in zip(workers, finished, strict=True):
        assert worker.returncode == 0, stderr  # each ended by itself once the shared crawl was done
    exported = [
        json.loads(line) for output in outputs if output.exists() for line in output.read_text().splitlines()
    ]
    # the union of the workers' outputs is the tournament, each event exported once
    assert sorted(exported, key=lambda item: item["event_id"]) == sorted(
        (event.expected_tournament_item(tournament) for event in tournament.events),
        key=lambda item: item["event_id"],
    )
    assert len(paths) == tournament.page_count
    assert max(Counter(paths).values()) == 1
    assert 1 < peak <= SHARED_CAP
    assert late.returncode == 0, late_stderr
    assert late_requests == 0
    assert not late_output.exists()


def test_a_shared_crawl_replays_the_demo_cassette_into_its_ground_truth(
    redis_service: RedisService, tmp_path: Path
) -> None:
    # the units' openers reach no host: the cassette, the breaker and the host slots let them pass
    output = tmp_path / "events.jsonl"
    settings = {"REDIS_URL": redis_service.url, "FTL_CRAWL_ID": "demo-cassette", "FTL_CASSETTE": "demo"}
    worker = start_worker("tournament", {"tournament": DEMO_TOURNAMENT_ID}, settings, output)
    _, stderr = worker.communicate(timeout=120)

    assert worker.returncode == 0, stderr
    assert "Traceback" not in stderr
    tournament = demo_tournament()
    exported = {item["event_id"]: item for item in map(json.loads, output.read_text().splitlines())}
    assert exported == {
        event.event_id: event.expected_tournament_item(tournament) for event in tournament.events
    }


def test_host_slots_hold_the_cap_and_free_the_slots_of_a_dead_worker(redis_service: RedisService) -> None:
    slots = HostSlots(redis_service.client(), cap=2, lease=0.3)
    host = "slots.test"
    assert slots.try_acquire(host, "a")
    assert slots.try_acquire(host, "b")
    assert not slots.try_acquire(host, "c")
    slots.release(host, "a")
    assert slots.try_acquire(host, "c")
    assert not slots.try_acquire(host, "d")
    # nobody releases "b" and "c" (their worker died): their leases run out
    time.sleep(0.4)
    assert slots.try_acquire(host, "d")
    assert slots.try_acquire(host, "e")
    assert not slots.try_acquire(host, "f")


def test_a_spider_without_units_is_crawled_by_one_worker(
    redis_service: RedisService, fake_event: FakeEvent, tmp_path: Path
) -> None:
    with FakeFtlServer(fake_event, latency=0.02) as server:
        outputs = [tmp_path / f"worker-{n}.json" for n in (1, 2)]
        arguments = {"event": fake_event.event_id, "round": fake_event.pool_round_id}
        settings = {
            "REDIS_URL": redis_service.url,
            "FTL_BASE_URL": server.base_url,
            "FTL_CRAWL_ID": f"one-round-{time.time()}",
        }
        workers = [start_worker("pools", arguments, settings, output) for output in outputs]
        finished = [worker.communicate(timeout=120) for worker in workers]
        paths = [request.path for request in server.requests]

    for worker, (_, stderr) in zip(workers, finished, strict=True):
        assert worker.returncode == 0, stderr
    written = [json.loads(output.read_text()) for output in outputs if output.exists()]
    assert written == [[fake_event.expected_bundle()]]
    assert len(paths) == len(fake_event.pools) + 2
    assert max(Counter(paths).values()) == 1


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"FTL_SCHEDULER": "redsi"}, "FTL_SCHEDULER must be 'redis' or unset, got 'redsi'"),
        ({"FTL_SCHEDULER": "redis", "REDIS_URL": "http://x"}, "REDIS_URL 'http://x' is not a Redis URL"),
        (
            {"FTL_SCHEDULER": "redis", "REDIS_URL": f"redis://:s3cret@127.0.0.1:{free_port()}/0"},
            "cannot reach Redis at redis://:***@127.0.0.1:",
        ),
    ],
)
def test_shared_crawl_settings_are_checked_before_the_crawl(settings: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidArgumentError) as refused:
        check_shared_crawl_settings(Settings(settings))
    assert str(refused.value).startswith(message)
    assert "s3cret" not in str(refused.value)


def test_a_reachable_redis_passes_the_check(redis_service: RedisService) -> None:
    check_shared_crawl_settings(Settings({"FTL_SCHEDULER": "redis", "REDIS_URL": redis_service.url}))
    check_shared_crawl_settings(Settings({}))


def test_without_the_redis_extra_the_project_runs_and_says_what_to_install() -> None:
    script = (
        "import sys\n"
        "sys.modules['redis'] = sys.modules['scrapy_redis'] = None  # as if not installed\n"
        "import ftl_scraper.addon, ftl_scraper.commands.crawl, ftl_scraper.spiders\n"
        "from ftl_scraper.distributed.checks import check_shared_crawl_settings\n"
        "check_shared_crawl_settings({'FTL_SCHEDULER': 'redis'})\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 1
    assert run.stderr.strip().splitlines()[-1] == (
        "ftl_scraper.errors.InvalidArgumentError: FTL_SCHEDULER=redis needs the redis extra "
        "(redis is missing): pip install 'ftl_scraper[redis]'"
    )


class _IdleEngine:
    """What the scheduler asks of Scrapy's engine: how many requests this worker has in hand."""

    class downloader:
        active: ClassVar[set[Request]] = set()

    class scraper:
        slot = None


def scheduler_for(redis_service: RedisService, crawl_id: str) -> RedisUnitScheduler:
    crawler = get_crawler(Spider, {"REDIS_URL": redis_service.url, "FTL_CRAWL_ID": crawl_id})
    crawler.spider = Spider(name="units")
    crawler.engine = _IdleEngine()  # type: ignore[assignment]
    scheduler = RedisUnitScheduler.from_crawler(crawler)
    scheduler.open(crawler.spider)
    return scheduler


def start_request(url: str, unit: str | None = None) -> Request:
    meta: dict[str, object] = {"is_start_request": True}
    if unit:
        meta[UNIT_META] = unit
    return Request(url, meta=meta, dont_filter=True)


def next_url(scheduler: RedisUnitScheduler) -> str | None:
    request = scheduler.next_request()
    return None if request is None else request.url


def test_units_are_queued_once_and_a_claimed_unit_stays_with_its_worker(redis_service: RedisService) -> None:
    crawl_id = f"units-{time.time()}"
    first, second = scheduler_for(redis_service, crawl_id), scheduler_for(redis_service, crawl_id)
    try:
        # every worker's start() yields the same requests: the first worker to offer them wins
        offered = {
            name: [
                scheduler.enqueue_request(start_request("https://ftl.test/schedule")),
                scheduler.enqueue_request(start_request("https://ftl.test/a", unit="event A")),
                scheduler.enqueue_request(start_request("https://ftl.test/b", unit="event B")),
                scheduler.enqueue_request(start_request("https://ftl.test/results")),
            ]
            for name, scheduler in (("first", first), ("second", second))
        }
        assert offered == {"first": [True, True, True, True], "second": [False, False, False, False]}
        # the seed (start requests naming no unit) is the first worker's alone
        assert [next_url(first) for _ in range(2)] == [
            "https://ftl.test/schedule",
            "https://ftl.test/results",
        ]
        assert second.has_pending_requests()  # the two units wait in Redis
        # each unit once, in order, whoever claims it; a claimed unit that comes back (a retry,
        # which copies its meta) stays with the worker that claimed it
        claimed_by_second = second.next_request()
        assert claimed_by_second is not None
        assert claimed_by_second.url == "https://ftl.test/a"
        assert second.enqueue_request(claimed_by_second.copy())
        assert next_url(second) == "https://ftl.test/a"
        assert next_url(first) == "https://ftl.test/b"
        assert first.next_request() is None
        assert second.next_request() is None
        assert not second.has_pending_requests()
        # both busy with a unit: the first to go idle waits for the other, whose end is the crawl's
        assert first.crawl.idle() == 1
        assert second.crawl.idle() == 0
    finally:
        first.close("finished")
        second.close("finished")
