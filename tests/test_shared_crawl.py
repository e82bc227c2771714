"""Shared crawls: workers over one real Redis and one stand-in FTL, each page fetched once in all."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from ftl_scraper.distributed.host_slots import HostSlots
from tests.fakeftl import FakeEvent, FakeFtlServer, generate_event
from tests.redis_service import RedisService
from tests.services import clean_environment

REPO_ROOT = Path(__file__).resolve().parents[1]
SPIDER_MODULES = "ftl_scraper.spiders,tests.shared_crawl.spiders"
SHARED_CAP = 3  # below one worker's own cap (8): only the shared slots can hold it across workers


@pytest.fixture(scope="module")
def redis_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisService]:
    service = RedisService(tmp_path_factory.mktemp("redis")).start()
    yield service
    service.stop()


@pytest.fixture(scope="module")
def rounds() -> list[FakeEvent]:
    return [generate_event(seed=100 + n, pool_count=3 + n % 4, pool_sizes=(5,)) for n in range(10)]


def start_worker(
    spider: str, arguments: dict[str, str], settings: dict[str, str], output: Path
) -> subprocess.Popen[str]:
    """``scrapy crawl`` as one worker of a shared crawl, in a process of its own."""
    command = [sys.executable, "-m", "scrapy", "crawl", spider, "-O", str(output)]
    for name, value in arguments.items():
        command += ["-a", f"{name}={value}"]
    for name, value in {"FTL_SCHEDULER": "redis", "HTTPCACHE_ENABLED": "0", **settings}.items():
        command += ["-s", f"{name}={value}"]
    return subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        env=clean_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def start_rounds_worker(
    redis_service: RedisService, server: FakeFtlServer, rounds: list[FakeEvent], output: Path, crawl_id: str
) -> subprocess.Popen[str]:
    arguments = {"rounds": ",".join(f"{event.event_id}/{event.pool_round_id}" for event in rounds)}
    settings = {
        "SPIDER_MODULES": SPIDER_MODULES,
        "REDIS_URL": redis_service.url,
        "FTL_CRAWL_ID": crawl_id,
        "FTL_SHARED_HOST_CAP": str(SHARED_CAP),
        "FTL_BASE_URL": server.base_url,
    }
    return start_worker("pool_rounds", arguments, settings, output)


def test_two_workers_share_one_crawl_each_page_once_and_the_cap_across_them(
    redis_service: RedisService, rounds: list[FakeEvent], tmp_path: Path
) -> None:
    with FakeFtlServer(*rounds, latency=0.05) as server:
        outputs = [tmp_path / f"worker-{n}.jsonl" for n in (1, 2)]
        workers = [
            start_rounds_worker(redis_service, server, rounds, output, "two-workers") for output in outputs
        ]
        finished = [worker.communicate(timeout=120) for worker in workers]
        paths = [request.path for request in server.requests]
        peak = server.peak_in_flight
        # a worker started once the crawl is over finds nothing to do, and ends
        late = start_rounds_worker(redis_service, server, rounds, tmp_path / "late.jsonl", "two-workers")
        late_stderr = late.communicate(timeout=120)[1]
        late_requests = len(server.requests) - len(paths)

    for worker, (_, stderr) in zip(workers, finished, strict=True):
        assert worker.returncode == 0, stderr  # each ended by itself once the shared crawl was done
    exported = [
        json.loads(line) for output in outputs if output.exists() for line in output.read_text().splitlines()
    ]
    # the union of the workers' outputs is every round, each exported once
    assert sorted(exported, key=lambda b: b["pool_round_id"]) == sorted(
        (event.expected_bundle() for event in rounds), key=lambda b: b["pool_round_id"]
    )
    expected_pages = sum(len(event.pools) + 2 for event in rounds)
    assert len(paths) == expected_pages
    assert max(Counter(paths).values()) == 1
    assert 1 < peak <= SHARED_CAP
    assert late.returncode == 0, late_stderr
    assert late_requests == 0
    assert not (tmp_path / "late.jsonl").exists()


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
