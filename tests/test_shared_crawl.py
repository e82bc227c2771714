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
    redis_service: RedisService, server: FakeFtlServer, rounds: list[FakeEvent], output: Path, crawl_id: str
) -> subprocess.Popen[str]:
    command = [
        sys.executable, "-m", "scrapy", "crawl", "pool_rounds",
        "-a", "rounds=" + ",".join(f"{e.event_id}/{e.pool_round_id}" for e in rounds),
        "-s", f"SPIDER_MODULES={SPIDER_MODULES}",
        "-s", "FTL_SCHEDULER=redis",
        "-s", f"REDIS_URL={redis_service.url}",
        "-s", f"FTL_CRAWL_ID={crawl_id}",
        "-s", f"FTL_SHARED_HOST_CAP={SHARED_CAP}",
        "-s", f"FTL_BASE_URL={server.base_url}",
        "-s", "HTTPCACHE_ENABLED=0",
        "-O", str(output),
    ]  # fmt: skip
    return subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        env=clean_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_workers_share_one_crawl_each_page_once_and_the_cap_across_them(
    redis_service: RedisService, rounds: list[FakeEvent], tmp_path: Path
) -> None:
    with FakeFtlServer(*rounds, latency=0.05) as server:
        outputs = [tmp_path / f"worker-{n}.jsonl" for n in (1, 2)]
        workers = [start_worker(redis_service, server, rounds, output, "two-workers") for output in outputs]
        finished = [worker.communicate(timeout=120) for worker in workers]
        paths = [request.path for request in server.requests]
        peak = server.peak_in_flight

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


def test_a_worker_started_after_the_crawl_ended_finds_it_done(
    redis_service: RedisService, rounds: list[FakeEvent], tmp_path: Path
) -> None:
    with FakeFtlServer(*rounds[:2]) as server:
        first = start_worker(redis_service, server, rounds[:2], tmp_path / "first.jsonl", "late-worker")
        assert first.wait(timeout=120) == 0
        late = start_worker(redis_service, server, rounds[:2], tmp_path / "late.jsonl", "late-worker")
        _, stderr = late.communicate(timeout=120)
        pages = len(server.requests)
    assert late.returncode == 0, stderr
    assert pages == sum(len(event.pools) + 2 for event in rounds[:2])
    assert len((tmp_path / "first.jsonl").read_text().splitlines()) == 2
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
